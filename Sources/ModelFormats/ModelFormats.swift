// ModelFormats: see the module's README section in DEVELOPING.md.
