"""bookbuild.sphinxext.reader: emoji glyphs become words, code stays as written."""

from docutils import nodes

from bookbuild.sphinxext.reader import replace_glyphs


def test_status_glyphs_become_words_outside_code():
    doc = nodes.document(None, None)
    para = nodes.paragraph("", "", nodes.Text("status ✅ and ❌"))
    code = nodes.literal_block("print('✅')", "print('✅')")
    doc += [para, code]
    replace_glyphs(None, doc, "page")
    assert para.astext() == "status passed and failed"
    assert code.astext() == "print('✅')"
