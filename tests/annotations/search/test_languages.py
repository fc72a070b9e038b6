"""Each paper's entries in its own language (annotations.search.languages): the configuration
chosen from `Paper.language`, entries indexed and matched in it, several languages in one
search. Stemming and stop words per language are PostgreSQL's (SQLite's FTS5 has one porter
tokenizer for every entry: docs/search.md), so those tests run there only."""

import json

import pytest
from django.db import connection

from annotations.exports.native import paper_chunks
from annotations.imports.services import import_file
from annotations.models import SearchEntry
from annotations.search.languages import CONFIGS, config_for
from papers.models import Paper
from papers.services import paper_import
from tests.annotations.conftest import make_annotation
from tests.conftest import join, make_group

from .conftest import find

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="text search configurations (stemming, stop words per language) are PostgreSQL's; "
    "SQLite's FTS5 tokenizes every entry alike",
)

GERMAN = """<?xml version="1.0" encoding="UTF-8"?>
<article xml:lang="de-DE"><front><article-meta>
<title-group><article-title>Leere Wohnungen</article-title></title-group>
</article-meta></front>
<body><sec><title>Befund</title>
<p>Die Häuser der Altstadt stehen seit Jahren leer, die Stationen auch.</p>
</sec></body></article>
"""
ENGLISH = """<?xml version="1.0" encoding="UTF-8"?>
<article xml:lang="en"><front><article-meta>
<title-group><article-title>Empty homes</article-title></title-group>
</article-meta></front>
<body><sec><title>Findings</title>
<p>Old houses die slowly near the station.</p>
</sec></body></article>
"""


@pytest.mark.parametrize(
    ("language", "config"),
    [("", "english"), (None, "english"), ("en", "english"), ("de", "german"), ("DE", "german")]
    + [("fr", "french"), ("nb", "norwegian"), ("ja", "simple"), ("zz", "simple")],
)
def test_a_language_code_chooses_a_configuration(language, config):
    assert config_for(language) == config


@pytest.fixture
def papers(group, owner):
    german = paper_import(group=group, user=owner, data=GERMAN.encode(), filename="de.xml")
    english = paper_import(group=group, user=owner, data=ENGLISH.encode(), filename="en.xml")
    return german, english


@pytest.mark.django_db
def test_a_paper_and_its_posts_are_indexed_in_its_language(papers, member):
    german, english = papers
    assert (german.language, english.language) == ("de", "en")
    paragraph = german.paragraphs.get(text__contains="Häuser")
    annotation = make_annotation(member, paragraph, note="Wohnungen ohne Mieter")
    configs = set(SearchEntry.objects.filter(paper=german).values_list("kind", "config").distinct())
    assert configs == {("paper", "german"), ("paragraph", "german"), ("annotation", "german")}
    assert set(SearchEntry.objects.filter(paper=english).values_list("config", flat=True)) == {
        "english"
    }
    # The exact word is found on either database.
    assert ("annotation", annotation.pk) in find(member, "mieter")
    assert ("paragraph", paragraph.pk) in find(member, "häuser")


@postgresql_only
@pytest.mark.django_db
def test_every_configuration_is_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        installed = {name for (name,) in cursor.fetchall()}
    assert set(CONFIGS) <= installed


@postgresql_only
@pytest.mark.django_db
def test_one_search_matches_each_paper_in_its_own_language(papers, member):
    german, english = papers
    häuser = ("paragraph", german.paragraphs.get(text__contains="Häuser").pk)
    houses = ("paragraph", english.paragraphs.get(text__contains="houses").pk)
    # German stemming: "Haus" finds "Häuser" (English stemming would not).
    assert find(member, "haus") == [häuser]
    # English stemming: "house" finds "houses".
    assert find(member, "house") == [houses]
    # "die" is a German stop word and an English verb: the English paper's "die" is found,
    # the German paper's article is not.
    assert find(member, "die") == [houses]
    # One search, both papers, each by its own stems: "stations" is "station" in German, as
    # "Stationen" is (English leaves "stationen" whole), and "station" in English.
    assert set(find(member, "stations")) == {häuser, houses}


@pytest.mark.django_db
def test_an_export_carries_the_language_to_its_import(papers, outsider):
    german, _ = papers
    data = json.loads("".join(paper_chunks(german)))
    assert data["paper"]["language"] == "de"
    elsewhere = make_group("Elsewhere")
    join(elsewhere, outsider, "owner")
    (copy,) = import_file(user=outsider, group=elsewhere, data=data).papers
    assert Paper.objects.get(pk=copy).language == "de"
    assert set(SearchEntry.objects.filter(paper_id=copy).values_list("config", flat=True)) == {
        "german"
    }
