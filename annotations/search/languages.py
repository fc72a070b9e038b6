"""A paper's language as the PostgreSQL text search configuration its entries are indexed and
queried in (docs/search.md, "Languages").

`Paper.language` is an ISO 639-1 code ("de") when the source states one (JATS `xml:lang`, HTML
`lang`, DOCX's language), "" when it does not. No code: English, what most papers here are in.
A code without a configuration (Japanese, Chinese, …): `simple`, which lowercases and splits
words without stemming or stop words, so that such a paper is still found by its exact words
rather than mangled by English stemming. The configurations are those PostgreSQL 13 and later
install (`pg_ts_config`; tests/annotations/search/test_languages.py checks them).
"""

DEFAULT_CONFIG = "english"
UNKNOWN_CONFIG = "simple"
LANGUAGES = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
# Every configuration an entry may have.
CONFIGS = tuple(sorted({DEFAULT_CONFIG, UNKNOWN_CONFIG, *LANGUAGES.values()}))


def config_for(language: str | None) -> str:
    """The configuration of a paper's language code ("" or None: not known)."""
    if not language:
        return DEFAULT_CONFIG
    return LANGUAGES.get(language.lower(), UNKNOWN_CONFIG)
