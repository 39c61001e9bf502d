from types import SimpleNamespace

from bookbuild.sphinxext import mathjax as sphinxext


def test_mathjax_is_installed_locally():
    assert (sphinxext.mathjax_source() / "tex-chtml.js").is_file()


def test_config_points_mathjax_at_the_local_copy():
    config = SimpleNamespace(mathjax_path="https://cdn.example/mathjax.js")
    sphinxext._set_path(None, config)
    assert config.mathjax_path == sphinxext.MATHJAX_SCRIPT and "://" not in config.mathjax_path
