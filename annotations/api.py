"""The annotations API: annotations, comments, links, a group's roles, and the Markdown preview.

What a caller may see comes from the `visible_to` QuerySet methods (annotations.models): anything
else answers 404. What they may change comes from annotations.permissions (403 for what they see
but may not change; 401 without credentials). Writes go through annotations.services.

Annotations and comments carry `version`: GET answers it as `ETag: W/"<version>"`, and PATCH or
DELETE with `If-Match` applies only while the item is still at that version, else 412 with the
current version (no lost update). Lists are cursor-paginated, newest first; with `since` (an ISO
date and time) they list what changed after it, oldest change first, deleted annotations
included (status "deleted") so a client can drop them. The services' errors (ValidationError,
Conflict) are answered by the API's one exception handler, papers.api.base.exception_handler.

Every annotation, comment and link answered carries `can`, what the caller may do with it now
(annotations.serializers): the querysets read the facts its rules take in their own query
(`with_reader`: the caller's role in the item's group, whether it has open flags), so the lists
keep their one query; what a write answers reuses the membership its service asked.
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle

from papers.api.base import APIv1Settings, etag, expected_version
from papers.models import ReadingGroup
from papers.permissions import remember_membership

from .feed import CONTENT_FILTERS, changed_since, feed_mark, feed_state
from .models import Annotation, Comment, Link, Revision
from .permissions import CanEdit, can_read_revisions
from .polls import not_modified, remember, remembered, summary
from .serializers import (
    AnnotationCreateSerializer,
    AnnotationFilterSerializer,
    AnnotationSerializer,
    AnnotationUpdateSerializer,
    CommentCreateSerializer,
    CommentFilterSerializer,
    CommentSerializer,
    CommentUpdateSerializer,
    LinkCreateSerializer,
    LinkFilterSerializer,
    LinkSerializer,
    PreviewResultSerializer,
    PreviewSerializer,
    RevisionSerializer,
    RoleCreateSerializer,
    RoleSerializer,
    RoleUpdateSerializer,
)
from .services import (
    annotation_create,
    annotation_delete,
    annotation_update,
    comment_create,
    comment_delete,
    comment_update,
    link_create,
    link_delete,
    role_create,
    role_update,
    roles_for_group,
)

# Query parameter -> ORM lookup, for each list.
ANNOTATION_LOOKUPS = {
    "paper": "paper_id",
    "paragraph": "paragraph_id",
    "role": "role__slug",
    "author": "author__username",
    "group": "paper__group__slug",
    "status": "status",
}
COMMENT_LOOKUPS = {
    "paper": "paper_id",
    "paragraph": "paragraph_id",
    "annotation": "annotation_id",
    "parent": "parent_id",
    "author": "author__username",
    "group": "paper__group__slug",
    "status": "status",
}
LINK_LOOKUPS = {
    "paper": "paper_id",
    "source": "source_id",
    "target": "target_id",
    "relation": "relation",
    "group": "paper__group__slug",
}


class CursorPages(CursorPagination):
    """Cursor pages (`next`/`previous` links, stable while rows are added): the view's
    `ordering`, or its `since_ordering` when the request has `since`."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = ("-created", "-id")

    def get_ordering(self, request, queryset, view):
        if "since" in request.query_params and getattr(view, "since_ordering", None):
            return view.since_ordering
        return getattr(view, "ordering", None) or self.ordering


FILTER_DOC = {
    "paper": "only this paper's (id)",
    "paragraph": "only this paragraph's (id)",
    "author": "only this user's (username)",
    "group": "only this group's papers' (slug)",
    "since": "only what changed after this ISO 8601 date and time, oldest change first; "
    "deleted annotations included (status `deleted`) so that clients drop them",
}


def _filter_parameters(serializer_class) -> list[OpenApiParameter]:
    fields = serializer_class().fields
    return [
        OpenApiParameter(name, str, description=FILTER_DOC.get(name, field.help_text or ""))
        for name, field in fields.items()
    ]


class _VersionedViewSet(
    APIv1Settings,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """List, read (with ETag), create, change and delete (with If-Match) for annotations and
    comments; the subclasses name their querysets, filters and services."""

    pagination_class = CursorPages
    since_ordering = ("updated", "id")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_serializer_class = None
    # The `since` list's model and its query parameters' lookups (annotations.feed).
    feed_model = None
    feed_lookups: dict = {}

    def get_permissions(self):
        if self.action in ("create", "revisions"):
            return [IsAuthenticated()]
        if self.action in ("partial_update", "destroy"):
            return [(IsAuthenticated & CanEdit)()]
        return [AllowAny()]

    @extend_schema(
        responses={200: RevisionSerializer(many=True)},
        description="What the item said before each change by its author, oldest first "
        "(version 1: as first posted), then the item as it is now (`current`: true). For its "
        "author and the group's owners and moderators (403 for others who see it); deleted "
        "annotations included.",
    )
    @action(detail=True, pagination_class=None)
    def revisions(self, request, pk=None):
        item = self.get_object()
        if not can_read_revisions(request.user, item):
            raise PermissionDenied(
                "Only its author and the group's owners and moderators read its revisions."
            )
        rows = [
            {"version": r.version, "data": r.data, "created": r.created, "current": False}
            for r in item.revisions.all()
        ]
        now = {"version": item.version, "data": self.current_text(item), "created": item.updated}
        rows.append(now | {"current": True})
        return Response(RevisionSerializer(rows, many=True).data)

    def current_text(self, item) -> dict:
        raise NotImplementedError

    def filters(self) -> dict:
        """The list's query parameters, checked once per request (400 on a bad value)."""
        if not hasattr(self, "_filters"):
            serializer = self.filter_serializer_class(data=self.request.query_params)
            serializer.is_valid(raise_exception=True)
            self._filters = serializer.validated_data
        return self._filters

    def _created(self, item) -> Response:
        """A new item answered (201): no flags yet; the caller's membership of its group was
        asked by the service (`remember_membership` on the group it was given)."""
        item.flagged = False
        return self._one(item, status.HTTP_201_CREATED, **self._location(item))

    def _one(self, item, code: int = status.HTTP_200_OK, **headers) -> Response:
        data = self.get_serializer(item).data
        return Response(data, status=code, headers={"ETag": etag(item.version), **headers})

    def _location(self, item) -> dict:
        name = f"{self.basename}-detail"
        return {"Location": self.request.build_absolute_uri(reverse(name, args=[item.pk]))}

    def retrieve(self, request, *args, **kwargs):
        return self._one(self.get_object())

    def list(self, request, *args, **kwargs):
        """A `since` list of one paper (a live-update poll) carries an ETag summing up what it
        holds; asked again with it in If-None-Match, it answers 304 from one query while nothing
        it would hold has changed (annotations.polls). Others are plain lists."""
        filters = self.filters()
        if "since" not in filters or "paper" not in filters:
            return super().list(request, *args, **kwargs)
        model, user = self.feed_model, request.user
        mark = feed_mark(model, user, paper=filters["paper"], since=filters["since"])
        if mark is None:
            raise Http404  # a paper the caller may not see: 404, never 304 (docs/api.md)
        tag = remembered(request, mark)
        if tag is not None and not_modified(request, tag):
            return _not_modified(tag)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        if tag is None:
            if self.paginator.has_next:
                arguments = _feed_arguments(filters, self.feed_lookups)
                state = feed_state(model, user, **arguments)
            else:
                state = summary(page)
            tag = remember(request, mark, state)
            if not_modified(request, tag):
                return _not_modified(tag)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response["ETag"] = tag
        return response


def _not_modified(tag: str) -> Response:
    return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})


_VERSIONED_RESPONSES = {
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="deleted meanwhile (no If-Match)"),
    412: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="If-Match names a stale version: `detail` and the current `version`",
    ),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    description='the ETag the item was read with (W/"<version>"): the change applies only '
    "while the item is still at that version",
)


IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    location=OpenApiParameter.HEADER,
    description="with `since` and `paper`: the ETag of the last answer to the same query; 304 "
    "while nothing the list would hold has changed",
)
_POLL_RESPONSES = {
    304: OpenApiResponse(description="with If-None-Match: nothing changed (no body)"),
    404: OpenApiResponse(
        OpenApiTypes.OBJECT, description="with `since`: a `paper` the caller may not see"
    ),
}


def _versioned_schema(filters, create, update, output):
    """The schema of a versioned viewset: filters on the list (and the poll's If-None-Match),
    If-Match on changes (412)."""
    return extend_schema_view(
        list=extend_schema(
            parameters=[*_filter_parameters(filters), IF_NONE_MATCH],
            responses={200: output(many=True), **_POLL_RESPONSES},
        ),
        create=extend_schema(request=create, responses={201: output}),
        partial_update=extend_schema(
            request=update,
            parameters=[IF_MATCH],
            responses={200: output, **_VERSIONED_RESPONSES},
        ),
        destroy=extend_schema(parameters=[IF_MATCH], responses={204: None, **_VERSIONED_RESPONSES}),
    )


@_versioned_schema(
    AnnotationFilterSerializer,
    AnnotationCreateSerializer,
    AnnotationUpdateSerializer,
    AnnotationSerializer,
)
class AnnotationViewSet(_VersionedViewSet):
    """Annotations the caller may see: members tag a paragraph or a passage with one of the
    group's roles, with an optional Markdown note; authors change and delete their own."""

    serializer_class = AnnotationSerializer
    filter_serializer_class = AnnotationFilterSerializer
    feed_model = Annotation
    feed_lookups = ANNOTATION_LOOKUPS
    ordering = ("-created", "-id")

    def get_queryset(self):
        listing = self.action == "list"
        filters = self.filters() if listing else {}
        if "since" in filters:
            # What changed, and tombstones for what the caller no longer sees (annotations.feed).
            annotations = _changed_since(Annotation, self.request.user, filters, ANNOTATION_LOOKUPS)
        else:
            # A deleted annotation's revisions stay readable to its author and the moderators.
            annotations = Annotation.objects.visible_to(
                self.request.user, with_deleted=self.action == "revisions"
            )
        # The caller's role in each one's group and its open flags, for `can` (a subquery each).
        annotations = annotations.with_reader(self.request.user)
        # The role's slug, name and colour, the author's username and the paragraph's anchor
        # in the same query (no query per annotation); the paragraph's text stays behind.
        annotations = annotations.select_related("role", "author", "paragraph").defer(
            "paragraph__text", "paragraph__marks"
        )
        annotations = annotations.annotate(edited=_edited("annotation"))
        if not listing:
            # The paper's group: whether the caller may change it (no query for the paper).
            return annotations.select_related("paper__group")
        if "since" in filters:
            return annotations
        return annotations.filter(**_lookups(filters, ANNOTATION_LOOKUPS))

    def current_text(self, annotation: Annotation) -> dict:
        """The fields a Revision keeps, as they are now (annotations.services)."""
        fields = ("exact", "prefix", "suffix", "start", "end", "note", "visibility")
        return {"role": annotation.role.slug} | {name: getattr(annotation, name) for name in fields}

    def create(self, request, *args, **kwargs):
        serializer = AnnotationCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        # Asked once, by the service and then for `can`.
        remember_membership(request.user, serializer.validated_data["paragraph"].paper.group)
        annotation = annotation_create(user=request.user, **serializer.service_arguments())
        return self._created(annotation)

    def partial_update(self, request, *args, **kwargs):
        annotation = self.get_object()
        serializer = AnnotationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotation_update(
            annotation=annotation,
            user=request.user,
            expected_version=expected_version(request),
            **serializer.service_arguments(),
        )
        annotation.edited = True  # the change kept a revision
        return self._one(annotation)

    def destroy(self, request, *args, **kwargs):
        annotation_delete(
            annotation=self.get_object(),
            user=request.user,
            expected_version=expected_version(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _lookups(filters: dict, lookups: dict) -> dict:
    return {lookups[name]: value for name, value in filters.items() if name in lookups}


def _feed_arguments(filters: dict, lookups: dict) -> dict:
    """The `since` list's arguments to annotations.feed: the content filters (role, author,
    status) narrow only what comes whole; tombstones match every filter."""
    content = {name: filters[name] for name in CONTENT_FILTERS if name in filters}
    rest = {name: value for name, value in filters.items() if name not in content}
    return {
        "since": rest.pop("since"),
        "lookups": _lookups(rest, lookups),
        "content": _lookups(content, lookups),
    }


def _changed_since(model, user, filters: dict, lookups: dict):
    """The `since` list (annotations.feed)."""
    return changed_since(model, user, **_feed_arguments(filters, lookups))


def _edited(kind: str) -> Exists:
    """Whether the item has revisions (was changed by its author), in the list's own query."""
    return Exists(Revision.objects.filter(**{kind: OuterRef("pk")}))


@_versioned_schema(
    CommentFilterSerializer, CommentCreateSerializer, CommentUpdateSerializer, CommentSerializer
)
class CommentViewSet(_VersionedViewSet):
    """Comments on paragraphs and annotations, oldest first (threads read in order); replies
    name their `parent`. Deleting leaves a tombstone (status `deleted`, no body, no author)."""

    serializer_class = CommentSerializer
    filter_serializer_class = CommentFilterSerializer
    feed_model = Comment
    feed_lookups = COMMENT_LOOKUPS
    ordering = ("created", "id")

    def get_queryset(self):
        listing = self.action == "list"
        filters = self.filters() if listing else {}
        if "since" in filters:
            # What changed, and tombstones for what the caller no longer sees (annotations.feed).
            comments = _changed_since(Comment, self.request.user, filters, COMMENT_LOOKUPS)
        else:
            comments = Comment.objects.visible_to(self.request.user)
        # The caller's role in each one's group and its open flags, for `can` (a subquery each).
        comments = comments.with_reader(self.request.user)
        # The author's username and the paragraph's anchor in the same query (no query per
        # comment); the paragraph's text stays behind.
        comments = comments.select_related("author", "paragraph").defer(
            "paragraph__text", "paragraph__marks"
        )
        comments = comments.annotate(edited=_edited("comment"))
        if not listing:
            # The paper's group: whether the caller may change it (no query for the paper).
            return comments.select_related("paper__group")
        if "since" in filters:
            return comments
        return comments.filter(**_lookups(filters, COMMENT_LOOKUPS))

    def current_text(self, comment: Comment) -> dict:
        return {"body": comment.body}

    def create(self, request, *args, **kwargs):
        serializer = CommentCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        named = data.get("parent") or data.get("annotation") or data.get("paragraph")
        # Asked once, by the service (which takes the paper from what it names) and for `can`.
        remember_membership(request.user, named.paper.group)
        comment = comment_create(user=request.user, **data)
        return self._created(comment)

    def partial_update(self, request, *args, **kwargs):
        comment = self.get_object()
        if comment.is_deleted:
            return Response(
                {"detail": "This comment was deleted."}, status=status.HTTP_409_CONFLICT
            )
        serializer = CommentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment_update(
            comment=comment,
            user=request.user,
            expected_version=expected_version(request),
            body=serializer.validated_data["body"],
        )
        comment.edited = True  # the change kept a revision
        return self._one(comment)

    def destroy(self, request, *args, **kwargs):
        comment = self.get_object()
        if not comment.is_deleted:
            comment_delete(
                comment=comment, user=request.user, expected_version=expected_version(request)
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(parameters=_filter_parameters(LinkFilterSerializer)),
    create=extend_schema(request=LinkCreateSerializer, responses={201: LinkSerializer}),
)
class LinkViewSet(
    APIv1Settings,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Links between two annotations of a paper (`supports`, `attacks`, `cites`), seen by whoever
    sees both ends; members link, the link's author removes it."""

    serializer_class = LinkSerializer
    pagination_class = CursorPages
    ordering = ("created", "id")
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated()]
        if self.action == "destroy":
            return [(IsAuthenticated & CanEdit)()]
        return [AllowAny()]

    def get_queryset(self):
        # The author's username in the same query (no query per link); the caller's role in
        # each one's group, for `can` (a subquery).
        links = (
            Link.objects.visible_to(self.request.user)
            .with_reader(self.request.user)
            .select_related("author")
        )
        if self.action != "list":
            # The paper's group: whether the caller may remove it.
            return links.select_related("paper__group")
        serializer = LinkFilterSerializer(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        filters = dict(serializer.validated_data)
        if annotation := filters.pop("annotation", None):
            links = links.filter(Q(source_id=annotation) | Q(target_id=annotation))
        return links.filter(**_lookups(filters, LINK_LOOKUPS))

    def create(self, request, *args, **kwargs):
        serializer = LinkCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        # Asked once, by the service and then for `can`.
        remember_membership(request.user, serializer.validated_data["source"].paper.group)
        link = link_create(user=request.user, **serializer.validated_data)
        location = request.build_absolute_uri(reverse("link-detail", args=[link.pk]))
        return Response(
            self.get_serializer(link).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )

    def destroy(self, request, *args, **kwargs):
        link_delete(link=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[OpenApiParameter("group_slug", str, OpenApiParameter.PATH)])
@extend_schema_view(
    create=extend_schema(request=RoleCreateSerializer, responses={201: RoleSerializer}),
    partial_update=extend_schema(request=RoleUpdateSerializer, responses={200: RoleSerializer}),
)
class RoleViewSet(
    APIv1Settings,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A group's argument roles, in order, retired ones included (`retired`: kept for old
    annotations, offered for no new ones). Whoever sees the group reads them; owners add,
    rename, recolour, re-key, describe and retire them. A role's slug never changes."""

    serializer_class = RoleSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def group(self) -> ReadingGroup:
        """The group of the URL (404 when the caller may not see it)."""
        if not hasattr(self, "_group"):
            groups = ReadingGroup.objects.visible_to(self.request.user)
            self._group = get_object_or_404(groups, slug=self.kwargs["group_slug"])
        return self._group

    def get_queryset(self):
        return roles_for_group(self.group())

    def create(self, request, *args, **kwargs):
        serializer = RoleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role = role_create(user=request.user, group=self.group(), **serializer.validated_data)
        return Response(self.get_serializer(role).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        role = self.get_object()
        role.group = self.group()
        serializer = RoleUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role_update(role=role, user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(role).data)


@extend_schema_view(
    create=extend_schema(request=PreviewSerializer, responses={200: PreviewResultSerializer})
)
class PreviewViewSet(APIv1Settings, viewsets.GenericViewSet):
    """Markdown to the sanitised HTML a note or comment would show (the editor's preview)."""

    permission_classes = [IsAuthenticated]
    # Per user: MARGINALIA_THROTTLE_PREVIEW (config/settings.py), on top of the API-wide limit.
    throttle_classes = [ScopedRateThrottle, UserRateThrottle]
    throttle_scope = "preview"
    serializer_class = PreviewSerializer
    pagination_class = None

    def create(self, request, *args, **kwargs):
        serializer = PreviewSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return Response({"html": serializer.html()})
