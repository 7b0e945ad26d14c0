"""The access-control sweep (tests/test_access_sweep.py): every URL pattern of the project,
requested as every role and anonymously against objects inside and outside their scope.

- patterns.py: the URL patterns from Django's resolver, classified (staff page, public page,
  API, public API) and with their object parameters.
- probe.py: instruments safeharbor.core.access during a request, so the sweep sees whether a
  view looked its object up through the access layer and whether that answered 404.
- discover.py: concrete sample URLs per pattern, found by crawling as the administrator (links,
  forms, htmx attributes, the OpenAPI schema and the JSON it lists).
- checks.py: the rules every response must keep.
"""
