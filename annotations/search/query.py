"""The one place that searches (docs/search.md): a parsed query (annotations.search.parser),
the filters, and what the user may see, over the search entries (annotations.search.index).

Who sees what is not decided here: each kind of entry is joined to its `visible_to` queryset
(papers and paragraphs to `Paper.objects.visible_to`, annotations and comments to theirs), so a
post hidden, deleted or made private after it was indexed drops out at once, and a moderator
finds the held posts they see elsewhere (`status` says which; the page marks them).

Full text by database: PostgreSQL matches `vector` with to_tsquery in the entry's own `config`,
ranks with ts_rank and cuts snippets with ts_headline; SQLite matches the FTS5 table, ranks with
bm25 and cuts snippets with snippet(). Both mark matches with two private-use characters, which
`mark()` turns into <mark> after escaping everything else.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from papers.models import Paper

from ..models import Annotation, Comment, SearchEntry, Status
from ..places import paragraph_url
from .index import CONFIGS, DEFAULT_CONFIG
from .parser import Query, Term, parse

Kind = SearchEntry.Kind
START, STOP = "\ue000", "\ue001"  # around a match in a raw snippet: never in a paper's text
# ts_headline drops what looks like an HTML tag: < and > stand in for themselves through it.
LT, GT = "\ue002", "\ue003"
SNIPPET_WORDS = 24
FTS = "annotations_searchentry_fts"


@dataclass(frozen=True)
class Filters:
    group: str | None = None  # the group's slug
    paper: int | None = None
    kind: str | None = None
    role: str | None = None  # the role's slug
    author: str | None = None  # username
    since: datetime.date | None = None

    @classmethod
    def from_params(cls, params) -> "Filters":
        """The filters of a query string; ValidationError naming the malformed one."""
        values = {name: (params.get(name) or "").strip() or None for name in cls.__annotations__}
        if values["paper"] is not None:
            try:
                values["paper"] = int(values["paper"])
            except ValueError:
                raise ValidationError({"paper": "A paper is named by its id."}) from None
        if values["kind"] is not None and values["kind"] not in Kind.values:
            raise ValidationError({"kind": f"A kind is one of {', '.join(Kind.values)}."})
        if values["since"] is not None:
            try:
                values["since"] = datetime.date.fromisoformat(values["since"])
            except ValueError:
                raise ValidationError({"since": "A date is written YYYY-MM-DD."}) from None
        return cls(**values)

    def q(self) -> Q:
        q = Q()
        if self.group:
            q &= Q(group__slug=self.group)
        if self.paper is not None:
            q &= Q(paper_id=self.paper)
        if self.kind:
            q &= Q(kind=self.kind)
        if self.role:
            q &= Q(role__slug=self.role)
        if self.author:
            q &= Q(author__username__iexact=self.author)
        if self.since:
            q &= Q(created__date__gte=self.since)
        return q


def _one_row(outer: str) -> dict:
    """`pk` equal to the outer entry's `outer` column, written as a range of one: PostgreSQL
    turns an equality into a hashed list of every post the user may see (a scan of all of them,
    about 250 ms at 150,000 posts), a range into one primary-key lookup per match."""
    return {"pk__gte": OuterRef(outer), "pk__lte": OuterRef(outer)}


def _visible(user) -> Q:
    """Entries of what the user may see: each kind joined to its own `visible_to`, asked per
    matching entry (the full-text match has narrowed the rows first)."""
    papers = Paper.objects.visible_to(user).values("id")
    annotations = Annotation.objects.visible_to(user).filter(**_one_row("object_id"))
    comments = (
        Comment.objects.visible_to(user)
        .exclude(status=Status.DELETED)
        .filter(**_one_row("object_id"))
    )
    return Q(paper_id__in=papers) & (
        Q(kind__in=[Kind.PAPER, Kind.PARAGRAPH])
        | Q(Exists(annotations), kind=Kind.ANNOTATION)
        | Q(Exists(comments), kind=Kind.COMMENT)
    )


class _Backend:
    """How one database matches, ranks and cuts snippets."""

    def match(self, term: Term) -> Q:
        raise NotImplementedError

    def annotate(self, entries: QuerySet, terms: tuple[Term, ...]) -> QuerySet:
        """`rank` (higher is better) and `raw_snippet` (matches between START and STOP)."""
        raise NotImplementedError


class _PostgreSQL(_Backend):
    # Each configuration an entry may have is named as a constant: a tsquery built from the
    # row's own `config` could not use the GIN index (a sequential scan of every entry).
    def _query(self, term: Term, config: str) -> SearchQuery:
        kind = "phrase" if term.is_phrase else "plain"
        return SearchQuery(term.text, search_type=kind, config=config)

    def match(self, term: Term) -> Q:
        q = Q()
        for config in CONFIGS:
            q |= Q(config=config, vector=self._query(term, config))
        return q

    def annotate(self, entries, terms):
        # Ranked and cut in the default configuration (the only one entries have for now).
        query = self._query(terms[0], DEFAULT_CONFIG)
        for term in terms[1:]:
            query |= self._query(term, DEFAULT_CONFIG)
        return entries.annotate(
            rank=SearchRank(F("vector"), query, normalization=Value(1)),
            raw_snippet=SearchHeadline(
                Replace(Replace(F("text"), Value("<"), Value(LT)), Value(">"), Value(GT)),
                query,
                config=F("config"),
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
            ),
        )


class _SQLite(_Backend):
    @staticmethod
    def _expression(terms: tuple[Term, ...]) -> str:
        # Each term a quoted FTS5 string (a phrase when it has several words); the words are
        # \w+ only (parser), so no quote reaches FTS5 from the user.
        return " OR ".join(f'"{term.text}"' for term in terms)

    def match(self, term: Term) -> Q:
        sql = f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s"
        return Q(id__in=RawSQL(sql, [self._expression((term,))]))

    def annotate(self, entries, terms):
        expression = self._expression(terms)
        one = f"FROM {FTS} WHERE {FTS} MATCH %s AND rowid = annotations_searchentry.id"
        snippet = f"snippet({FTS}, 0, %s, %s, '…', {SNIPPET_WORDS})"
        return entries.annotate(
            rank=RawSQL(f"SELECT -bm25({FTS}) {one}", [expression], output_field=FloatField()),
            raw_snippet=RawSQL(
                f"SELECT {snippet} {one}", [START, STOP, expression], output_field=TextField()
            ),
        )


def _backend() -> _Backend:
    return _PostgreSQL() if connection.vendor == "postgresql" else _SQLite()


def _authors(query: Query) -> dict[str, list[int]]:
    """The ids of the users each single word of the query names (one query), so that the
    condition is on the entry's own `author_id`: a join to the users beside the full-text match
    would keep the database from its full-text index."""
    words = {term.text for term in query.terms if not term.is_phrase}
    if not words:
        return {}
    names = Q()
    for word in words:
        names |= Q(username__iexact=word)
    found: dict[str, list[int]] = {}
    for pk, username in get_user_model().objects.filter(names).values_list("pk", "username"):
        found.setdefault(username.lower(), []).append(pk)
    return found


def _term_q(backend: _Backend, term: Term, authors: dict[str, list[int]]) -> Q:
    """Found in the text; a single word also as the username of the post's author."""
    q = backend.match(term)
    if not term.is_phrase and term.text in authors:
        q |= Q(author_id__in=authors[term.text])
    return q


def search(user, q: str | None, filters: Filters | None = None) -> QuerySet:
    """The entries matching `q` and `filters` among what `user` may see, best first; one query
    to find the users the query's words name first. ValidationError on {"q"} for a query that
    cannot be searched (parser.parse)."""
    query: Query = parse(q)
    backend = _backend()
    condition = _visible(user) & (filters or Filters()).q()
    authors = _authors(query)
    for term in query.included:
        condition &= _term_q(backend, term, authors)
    for term in query.excluded:
        condition &= ~_term_q(backend, term, authors)
    entries = (
        SearchEntry.objects.filter(condition)
        # The hit's links and labels: no query per hit for its paper, paragraph or author.
        .select_related("paper", "paragraph", "author", "role")
        .only(
            "kind",
            "object_id",
            "paper_id",
            "paper__title",
            "paragraph_id",
            "paragraph__anchor",
            "role__slug",
            "author__username",
            "created",
            "text",
        )
    )
    return backend.annotate(entries, query.included).order_by("-rank", "-created", "-id")


def mark(raw_snippet: str | None, text: str) -> SafeString:
    """A snippet as HTML: everything escaped, then the matches between START and STOP marked.
    Without one (found by its author's name alone), the text's opening."""
    if not raw_snippet:
        words = text.split()
        raw_snippet = " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else "")
    raw_snippet = raw_snippet.replace(LT, "<").replace(GT, ">")
    html = escape(raw_snippet).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 (escaped above; only our own marks added)


def statuses(hits) -> dict[tuple[str, int], str]:
    """The moderation status of the posts among `hits` (a page of entries), two queries at
    most: the page marks the held ones its reader sees (their authors, moderators)."""
    found = {}
    for kind, model in ((Kind.ANNOTATION, Annotation), (Kind.COMMENT, Comment)):
        ids = [hit.object_id for hit in hits if hit.kind == kind]
        if ids:
            for pk, status in model.objects.filter(pk__in=ids).values_list("pk", "status"):
                found[(kind, pk)] = status
    return found


def hit_url(hit) -> str:
    """The paper page for a paper; the workspace on the paragraph, panel open, for the rest."""
    if hit.kind == Kind.PAPER or hit.paragraph_id is None:
        return paragraph_url(hit.paper_id)
    return paragraph_url(hit.paper_id, hit.paragraph.anchor)
