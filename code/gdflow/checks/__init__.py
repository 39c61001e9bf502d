"""The book's claim checks, one module per chapter, registered with :func:`gdflow.claims.claim`."""
