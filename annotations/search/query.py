"""The one place that searches (docs/search.md): a parsed query (annotations.search.parser),
the filters, and what the user may see, over the search entries (annotations.search.index).

Who sees what is not decided here: each kind of entry is asked of its `visible_to` queryset
(papers and paragraphs `Paper.objects.visible_to`, annotations and comments theirs: `_seen`), so
a post hidden, deleted or made private after it was indexed drops out at once, and a moderator
finds the held posts they see elsewhere (`status` says which; the page marks them). `Hits`
asks it of the rows shown and counted only, in rank order (docs/search.md, "Performance").

Full text by database: PostgreSQL matches `vector` with a tsquery in each configuration in use
(the papers' languages), each entry in its own `config`, ranks with ts_rank and cuts snippets
with ts_headline; SQLite matches the FTS5 table, ranks with bm25 and cuts snippets with
snippet(). Both mark matches with two private-use characters, which `mark()` turns into <mark>
after escaping everything else.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from papers.models import Paper, ReadingGroup

from ..attribution import attribution_text
from ..models import ATTRIBUTION_FIELDS, Annotation, Comment, SearchEntry, Status, attribution_dict
from ..places import paragraph_url
from .languages import DEFAULT_CONFIG, config_for
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
                paper = int(values["paper"])
            except ValueError:
                paper = 0
            # An id is a positive 64-bit number: a larger one reached the database and failed
            # there (a 500 on SQLite's OverflowError), a smaller one names nothing.
            if not 0 < paper < 2**63:
                raise ValidationError({"paper": "A paper is named by its id."})
            values["paper"] = paper
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


def _groups(user) -> Q:
    """Entries in the groups the user may see: a necessary condition (an entry's group is its
    paper's, and `Paper.objects.visible_to` is the papers of `ReadingGroup.objects.visible_to`),
    cheap enough to ask of every match (a hashed list of a few groups). The whole rule is
    asked by `_seen`, of the rows shown and counted only."""
    return Q(group_id__in=ReadingGroup.objects.visible_to(user).values("id"))


def _seen(user) -> Case:
    """Per entry, what `visible_to` says of it: "" for a paper's text the user may see, the
    post's moderation status for a post they may see, NULL for anything else. Each kind asks
    its own `visible_to`, by the entry's primary key (one index lookup per row asked)."""
    papers = Paper.objects.visible_to(user).values("id")
    annotations = Annotation.objects.visible_to(user).filter(pk=OuterRef("object_id"))
    comments = (
        Comment.objects.visible_to(user)
        .exclude(status=Status.DELETED)
        .filter(pk=OuterRef("object_id"))
    )
    return Case(
        When(Q(kind__in=[Kind.PAPER, Kind.PARAGRAPH], paper_id__in=papers), then=Value("")),
        When(kind=Kind.ANNOTATION, then=Subquery(annotations.order_by().values("status")[:1])),
        When(kind=Kind.COMMENT, then=Subquery(comments.order_by().values("status")[:1])),
        default=None,
        output_field=CharField(),
    )


class _Backend:
    """How one database matches, ranks and cuts snippets."""

    def configs(self) -> tuple[str, ...]:
        """The text search configurations to match in (PostgreSQL)."""
        return ()

    def match(self, term: Term, configs: tuple[str, ...]) -> Q:
        raise NotImplementedError

    def rank(self, entries: QuerySet, terms: tuple[Term, ...], configs) -> QuerySet:
        """`rank`: higher is better."""
        raise NotImplementedError

    def snippet(self, entries: QuerySet, terms: tuple[Term, ...], configs) -> QuerySet:
        """`raw_snippet`: the matches between START and STOP."""
        raise NotImplementedError


class _PostgreSQL(_Backend):
    # Each configuration is named as a constant: a tsquery built from the row's own `config`
    # could not use the GIN index (a sequential scan of every entry).
    def configs(self):
        """The configurations of the papers' languages (one query over the papers), English
        always (entries indexed before their paper's language was known)."""
        languages = Paper.objects.order_by().values_list("language", flat=True).distinct()
        return tuple(sorted({DEFAULT_CONFIG, *(config_for(code) for code in languages)}))

    def _query(self, term: Term, config: str) -> SearchQuery:
        kind = "phrase" if term.is_phrase else "plain"
        return SearchQuery(term.text, search_type=kind, config=config)

    def _queries(self, terms, config: str) -> SearchQuery:
        query = self._query(terms[0], config)
        for term in terms[1:]:
            query |= self._query(term, config)
        return query

    def match(self, term, configs):
        q = Q()
        for config in configs:
            q |= Q(config=config, vector=self._query(term, config))
        return q

    def _per_config(self, configs, expression, output_field):
        """`expression(config)` in the entry's own configuration."""
        if len(configs) == 1:
            return expression(configs[0])
        whens = [When(config=config, then=expression(config)) for config in configs]
        return Case(*whens, default=None, output_field=output_field)

    def rank(self, entries, terms, configs):
        def rank(config):
            return SearchRank(F("vector"), self._queries(terms, config), normalization=Value(1))

        return entries.annotate(rank=self._per_config(configs, rank, FloatField()))

    def snippet(self, entries, terms, configs):
        text = Replace(Replace(F("text"), Value("<"), Value(LT)), Value(">"), Value(GT))

        def headline(config):
            return SearchHeadline(
                text,
                self._queries(terms, config),
                config=config,
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
            )

        return entries.annotate(raw_snippet=self._per_config(configs, headline, TextField()))


class _SQLite(_Backend):
    # One tokenizer for every entry (porter unicode61): no configurations.
    @staticmethod
    def _expression(terms: tuple[Term, ...]) -> str:
        # Each term a quoted FTS5 string (a phrase when it has several words); the words are
        # \w+ only (parser), so no quote reaches FTS5 from the user.
        return " OR ".join(f'"{term.text}"' for term in terms)

    def match(self, term, configs):
        sql = f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s"
        return Q(id__in=RawSQL(sql, [self._expression((term,))]))

    _ONE = f"FROM {FTS} WHERE {FTS} MATCH %s AND rowid = annotations_searchentry.id"

    def rank(self, entries, terms, configs):
        sql = f"SELECT -bm25({FTS}) {self._ONE}"
        expression = self._expression(terms)
        return entries.annotate(rank=RawSQL(sql, [expression], output_field=FloatField()))

    def snippet(self, entries, terms, configs):
        sql = f"SELECT snippet({FTS}, 0, %s, %s, '…', {SNIPPET_WORDS}) {self._ONE}"
        params = [START, STOP, self._expression(terms)]
        return entries.annotate(raw_snippet=RawSQL(sql, params, output_field=TextField()))


def _backend() -> _Backend:
    return _PostgreSQL() if connection.vendor == "postgresql" else _SQLite()


def _authors(query: Query) -> dict[str, list[int]]:
    """The ids of the users each single word of the query names (one query), so that the
    condition is on the entry's own `author_id`: a join to the users beside the full-text match
    would keep the database from its full-text index."""
    words = {term.text for term in query.terms if not term.is_phrase}
    words |= {term.token for term in query.terms if term.token}
    if not words:
        return {}
    names = Q()
    for word in words:
        names |= Q(username__iexact=word)
    found: dict[str, list[int]] = {}
    for pk, username in get_user_model().objects.filter(names).values_list("pk", "username"):
        found.setdefault(username.lower(), []).append(pk)
    return found


def _term_q(backend: _Backend, term: Term, configs, authors: dict[str, list[int]]) -> Q:
    """Found in the text; a single word, or a token as typed ("ana.lee"), also as the
    username of the post's author."""
    q = backend.match(term, configs)
    name = term.token if term.token in authors else term.text
    if (term.token or not term.is_phrase) and name in authors:
        q |= Q(author_id__in=authors[name])
    return q


ORDER = ("-rank", "-created", "-id")


class Hits:
    """The hits of a search, best first, for a paginator (Django's, DRF's): `count()` and
    slices. Built for large match sets (docs/search.md, "Performance"):

    - one narrow query ranks the matches in the groups the user may see (id and rank: no
      joins, no snippets) and asks the full visibility (`_seen`) of the first COUNT_CAP + 1
      rows in rank order only: PostgreSQL evaluates an expensive expression of the select list
      after the sort and the limit. Those rows are the count (capped: `capped` says there are
      more) and every page within it;
    - a second query reads the page's rows with their paper, paragraph, author, role, rank
      and snippet (ts_headline for ≤ page-size rows, never for every match).

    The result is what filtering every match by visibility and then ranking gives: the same
    rows in the same order. Each hit has `rank`, `raw_snippet` and `status` (the post's
    moderation status, None for a paper's text)."""

    COUNT_CAP = 1000
    # Rows asked beyond those needed, should some be hidden from the user; each further query
    # asks four times as many (most matches are visible: one query is the rule).
    SLACK = 20

    def __init__(self, user, backend: _Backend, query: Query, configs, condition: Q):
        self.backend, self.terms, self.configs = backend, query.included, configs
        self.matches = SearchEntry.objects.filter(condition)
        self.seen = _seen(user)
        self.ordered = True  # for Paginator: the order is the rank's
        self._first: list[tuple[int, str]] | None = None

    def _first_hits(self) -> list[tuple[int, str]]:
        if self._first is None:
            self._first = self._ranked(self.COUNT_CAP + 1)
        return self._first

    @property
    def capped(self) -> bool:
        return len(self._first_hits()) > self.COUNT_CAP

    def count(self) -> int:
        return min(len(self._first_hits()), self.COUNT_CAP)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("Hits are read a slice at a time.")
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        if stop <= start:
            return []
        ranked = self._first_hits() if stop <= self.COUNT_CAP else self._ranked(stop)
        return self._read(ranked[start:stop])

    def _ranked(self, stop: int) -> list[tuple[int, str]]:
        """(id, seen) of the first `stop` hits the user may see, best first."""
        ranked = (
            self.backend.rank(self.matches, self.terms, self.configs)
            .annotate(seen=self.seen)
            .order_by(*ORDER)
            .values_list("id", "seen")
        )
        found: list[tuple[int, str]] = []
        offset, size = 0, stop + self.SLACK
        while True:
            rows = list(ranked[offset : offset + size])
            found += [row for row in rows if row[1] is not None]
            if len(found) >= stop or len(rows) < size:
                return found[:stop]
            offset, size = offset + size, size * 4

    def _read(self, ranked: list[tuple[int, str]]) -> list[SearchEntry]:
        if not ranked:
            return []
        entries = (
            SearchEntry.objects.filter(pk__in=[pk for pk, _ in ranked])
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
                "config",
            )
        )
        entries = entries.annotate(**{name: _post_field(name) for name in ATTRIBUTION_FIELDS})
        entries = self.backend.rank(entries, self.terms, self.configs)
        entries = self.backend.snippet(entries, self.terms, self.configs)
        by_pk = {entry.pk: entry for entry in entries}
        hits = []
        for pk, seen in ranked:
            entry = by_pk[pk]
            entry.status = seen or None
            hits.append(entry)
        return hits


def _post_field(name: str) -> Case:
    """A field of the annotation or comment an entry stands for, in the page's own query (a
    subquery by primary key; null for papers and paragraphs): the imported posts' attribution."""
    kinds = ((Kind.ANNOTATION, Annotation), (Kind.COMMENT, Comment))
    output = Annotation._meta.get_field(name)
    return Case(
        *(
            When(
                kind=kind,
                then=Subquery(model.objects.filter(pk=OuterRef("object_id")).values(name)[:1]),
            )
            for kind, model in kinds
        ),
        default=None,
        output_field=output.__class__(null=True),
    )


def hit_attribution(hit) -> dict | None:
    """The API's `attribution` of a hit (annotations.models.attribution_dict), or null."""
    return attribution_dict(*(getattr(hit, name, None) for name in ATTRIBUTION_FIELDS))


def hit_attribution_text(hit) -> str:
    """The pages' words for a hit's attribution, or ""."""
    return attribution_text(
        author=hit.author.username if hit.author_id else None,
        source_author=getattr(hit, "source_author", None) or "",
        source_name=getattr(hit, "source_name", None) or "",
        source_created=getattr(hit, "source_created", None),
    )


def search(user, q: str | None, filters: Filters | None = None) -> Hits:
    """The entries matching `q` and `filters` among what `user` may see, best first (`Hits`);
    queries first for the users the query's words name and (PostgreSQL) the configurations in
    use. ValidationError on {"q"} for a query that cannot be searched (parser.parse)."""
    query: Query = parse(q)
    backend = _backend()
    configs = backend.configs()
    condition = _groups(user) & (filters or Filters()).q()
    authors = _authors(query)
    for term in query.included:
        condition &= _term_q(backend, term, configs, authors)
    for term in query.excluded:
        condition &= ~_term_q(backend, term, configs, authors)
    return Hits(user, backend, query, configs, condition)


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
    """The moderation status of the posts among `hits` (a page of `Hits`), read with their
    visibility, no query: the page marks the held ones its reader sees (their authors,
    moderators)."""
    return {(hit.kind, hit.object_id): hit.status for hit in hits if hit.status}


def hit_url(hit) -> str:
    """The paper page for a paper; the workspace on the paragraph, panel open, for the rest."""
    if hit.kind == Kind.PAPER or hit.paragraph_id is None:
        return paragraph_url(hit.paper_id)
    return paragraph_url(hit.paper_id, hit.paragraph.anchor)
