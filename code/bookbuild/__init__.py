"""bookbuild: the tooling that builds the book; the mathematics lives in ``gdflow``.

- :mod:`bookbuild.sphinxext` -- the Sphinx extension ``_config.yml`` loads: MathJax
  served from the site, pages executed in parallel and re-executed when ``gdflow``
  changes, the PDF's layout, the ``{num}`` role;
- :mod:`bookbuild.forkkernel` -- kernels forked from a process that has already
  imported the heavy modules; :mod:`bookbuild.forkprovisioner` -- the jupyter_client
  kernel provisioner that starts them;
- :mod:`bookbuild.builds` -- the fingerprint of ``gdflow``, page weights, cached
  execution times;
- :mod:`bookbuild.claimstore` -- the claim results a chapter leaves for the ledger
  of the same build (the store :mod:`gdflow.claims` is pointed at by the build).

``gdflow`` never imports this package, and the fingerprint that decides whether
the book's pages run again covers ``gdflow`` only: editing the build tooling
re-executes no page.
"""
