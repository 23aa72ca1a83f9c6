"""The course: lesson folders, the loader, and the grader that turns a run into a verdict."""

from lessons.course import Course, Lesson, load_course
from lessons.grading import GradingError, grade_submission
from lessons.verdict import CheckResult, Verdict, VerdictStatus

__all__ = [
    "CheckResult",
    "Course",
    "GradingError",
    "Lesson",
    "Verdict",
    "VerdictStatus",
    "grade_submission",
    "load_course",
]
