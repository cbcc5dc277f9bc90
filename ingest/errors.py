"""Errors that name the input and the problem, so a batch can report one clear line per file."""


class InputError(Exception):
    """A document or facts file that cannot be used. The message names the file and the problem."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem
