"""``extractor review OUT_DIR``: a local web app to check and correct a batch's extractions.

``app`` builds the FastAPI application (pages, JSON, keyboard-driven item page), ``queries``
reads the store and writes decisions through ``extractor.corrections``, ``images`` renders and
caches page images from the original PDFs. Templates and static files ship with the package.
"""
