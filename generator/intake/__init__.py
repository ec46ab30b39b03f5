"""The upload service: committee clerks sign in, upload what Excel gave them, and publish.

`settings` declares every knob once; `users` and `passwords` keep the accounts outside data/;
`sessions`, `throttle` and `guard` protect the HTTP side; `uploads` turns a form into the files
the server decides to write; `staging` validates them with the same engine as `juwu validate`;
`repo` writes and commits under a lock; `rebuild` republishes one build at a time; `app` wires
the routes.
"""
