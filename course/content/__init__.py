"""The course content: the YAML files beside this module, loaded into typed, immutable models.

- :mod:`course.content.loader` -- ``load_content()``: sources, anatomy, techniques, lessons and
  the safety policy, validated and cross-checked (``CourseContent``);
- :mod:`course.content.models` -- the pydantic records (and the ``View`` names);
- :mod:`course.content.records` -- reading one YAML file and validating its records;
- :mod:`course.content.text` -- learner-facing words by dotted key (``study.yaml``, ``ui.yaml``);
- :mod:`course.content.sections`, :mod:`course.content.positions`, :mod:`course.content.anatomy`;
- :mod:`course.content.resources` -- where the data folders are.

This ``__init__`` imports nothing: ``course.safety.policy`` reads its file through
``course.content.records``, and ``course.content.loader`` reads the policy back, so an import
here would close a circle.
"""
