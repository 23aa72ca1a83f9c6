"""Errors a learner can cause. Each carries `.message`: plain, friendly words a front end
shows as they are, whether in Discord or in a terminal."""

from __future__ import annotations

from lessons import Lesson


class TutorError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownLesson(TutorError):
    def __init__(self, reference: str, total: int) -> None:
        self.reference = reference
        super().__init__(
            f"There is no lesson called “{reference}”. Lessons are numbered 1 to {total}; "
            "the lesson list shows their names."
        )


class LessonLocked(TutorError):
    def __init__(self, lesson: Lesson, previous: Lesson | None) -> None:
        self.lesson = lesson
        self.previous = previous
        unlock_by = (
            f"Pass lesson {previous.number} (“{previous.title}”) to unlock it."
            if previous is not None
            else "Pass the lessons before it to unlock it."
        )
        super().__init__(f"Lesson {lesson.number} (“{lesson.title}”) is still locked. {unlock_by}")


class AlreadyGrading(TutorError):
    def __init__(self) -> None:
        super().__init__(
            "I'm still grading your last submission. Wait for its result, then send this again."
        )


class CoolingDown(TutorError):
    """The learner submitted again too soon after their last submission."""

    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = retry_after_s
        seconds = max(1, round(retry_after_s))
        super().__init__(f"⏳ Not so fast: you can submit again in {seconds} s.")


class ShuttingDown(TutorError):
    """The tutor is stopping: running gradings finish, no new ones start."""

    def __init__(self) -> None:
        super().__init__("🔧 The tutor is restarting: please submit again in a minute.")


class NoCodeFound(TutorError):
    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(f"I couldn't find any code to grade. {problem}")


class SolutionNotAvailable(TutorError):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class NoHints(TutorError):
    def __init__(self, lesson: Lesson) -> None:
        super().__init__(f"Lesson {lesson.number} has no hints, sorry.")


class SettingRefused(TutorError):
    """A moderator asked for a setting that would be unsafe (say, a role that hands out
    moderation); nothing was changed."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"Not changed: {reason}")


class WrongLesson(TutorError):
    """The code is for another open lesson: nothing was recorded."""

    def __init__(self, lesson: Lesson, current: Lesson, *, is_next: bool) -> None:
        self.lesson = lesson
        self.current = current
        self.is_next = is_next  # "next lesson" opens it
        super().__init__(
            self.text(
                open_next="`/lesson next` (or the button)",
                open_it=f"`/lesson show {lesson.number}`",
            )
        )

    def text(self, *, open_next: str, open_it: str) -> str:
        """The message, with each front end's own way of opening a lesson."""
        how = open_next if self.is_next else open_it
        return (
            f"This looks like code for Lesson {self.lesson.number} (“{self.lesson.title}”), "
            f"not Lesson {self.current.number}: open it with {how}, then send your code again. "
            "No attempt was counted."
        )


class GraderProblem(TutorError):
    """Our fault, not the learner's: the lesson's own grading code raised or overran its
    deadline. The attempt is not counted; the log has the details under `error_id`."""

    def __init__(self, error_id: str) -> None:
        self.error_id = error_id
        super().__init__(
            f"The grader had a problem, please try again (error id {error_id}). "
            "This attempt was not counted."
        )
