import pytest

# The shared persona mixins hold the assertions: let pytest explain their failures too.
pytest.register_assert_rewrite("tests.scoped")
