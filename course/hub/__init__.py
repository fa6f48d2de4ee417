"""Instructor-led classes on one server: JupyterHub, nbgrader exchange, one Unix user per learner.

``ankle-course hub setup`` creates the accounts, the exchange and the per-user nbgrader
configuration; ``deploy/hub/jupyterhub_config.py`` runs the hub; ``ankle-course hub teardown``
removes what setup created. See docs/hub.md.
"""
