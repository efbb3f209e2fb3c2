"""The ``dataex`` command: run, migrate and seed a local deployment."""
