"""The course as an LTI 1.3 tool of a school's LMS (Canvas, Moodle, Blackboard, D2L).

One module per concern: :mod:`~course.lti.config` (PLATFORM.json and the tool's URLs),
:mod:`~course.lti.keys` (the tool's RS256 key pair), :mod:`~course.lti.launch` (checking an
id_token), :mod:`~course.lti.roles` (LTI roles to course roles), :mod:`~course.lti.store` (who
is who: LMS users to accounts, used nonces, LMS courses), :mod:`~course.lti.provision`
(accounts at first launch), :mod:`~course.lti.deep_link`, :mod:`~course.lti.ags` (grade
return), :mod:`~course.lti.nrps` (roster) and :mod:`~course.lti.authenticator` (the hub side).
See docs/lti.md.
"""
