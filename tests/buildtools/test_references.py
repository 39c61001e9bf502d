"""bookbuild.sphinxext.citations and .apidocs: author-year labels, and docstrings made safe for the API reference."""

from pybtex.database import Entry, Person

from bookbuild.sphinxext.citations import AuthorYearLabels, author_year


def entry(year, *authors, key="k"):
    e = Entry("article", fields={"title": "T", "year": year})
    e.key = key
    for name in authors:
        e.add_person(Person(name), "author")
    return e


def test_one_two_and_many_authors():
    assert author_year(entry("1983", "Nesterov, Yurii")) == "Nesterov, 1983"
    assert author_year(entry("1992", "Polyak, Boris T.", "Juditsky, Anatoli B.")) == "Polyak and Juditsky, 1992"
    assert author_year(entry("2021", "Cohen, J.", "Kaur, S.", "Li, Y.")) == "Cohen et al., 2021"
    assert author_year(entry("2009", "van der Vaart, Aad")) == "van der Vaart, 2009"
    assert author_year(entry("2001", "G{\\\"u}ler, Osman")) == "Güler, 2001"


def test_entries_that_would_share_a_label_get_letters():
    entries = [entry("2017", "Taylor, A.", "Hendrickx, J.", "Glineur, F."),
               entry("2017", "Taylor, A.", "Hendrickx, J.", "Glineur, F."),
               entry("2018", "Taylor, A.", "Hendrickx, J.", "Glineur, F.")]
    assert list(AuthorYearLabels().format_labels(entries)) == [
        "Taylor et al., 2017a", "Taylor et al., 2017b", "Taylor et al., 2018"]


def test_bars_in_docstring_prose_are_escaped_but_not_in_literals_or_doctests():
    from bookbuild.sphinxext.apidocs import escape_bars

    lines = ["Bound on |x| and ||g||, not ``|x|``.", ">>> abs(-1) | 0", "1", "", "after |y|"]
    assert escape_bars(lines) == ["Bound on \\|x\\| and \\|\\|g\\|\\|, not ``|x|``.", ">>> abs(-1) | 0", "1", "",
                                  "after \\|y\\|"]


def test_summary_pages_are_rewritten_only_when_a_page_was_read():
    from types import SimpleNamespace

    from bookbuild.sphinxext import summaries

    connected = []
    app = SimpleNamespace(connect=lambda event, handler: connected.append(event))
    summaries.summary_page(app, "book/list-of-results")
    summaries.summary_page(app, "book/api-reference")
    assert connected == ["env-get-outdated", "env-get-updated"]  # once per build, for every page
    env = SimpleNamespace(found_docs={"book/list-of-results", "book/api-reference", "book/x"})
    assert summaries._note_reading(app, env, set(), set(), set()) == []
    assert summaries._rewrite(app, env) == []  # a warm build writes nothing
    summaries._note_reading(app, env, set(), {"book/x"}, set())
    assert sorted(summaries._rewrite(app, env)) == ["book/api-reference", "book/list-of-results"]
