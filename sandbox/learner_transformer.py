"""RestrictedPython's transformer, plus augmented assignment to items and attributes.

`dW[k, j] += v` and `self.w -= g` are common in learner code; RestrictedPython refuses
them. Here they become, with the target's object and key (or name) evaluated exactly once,
in Python's own order (object, key, read, value, operation, write):

    _inplace_(_inplace_item_(dW, (k, j)), "+=", v)
    _inplace_(_inplace_attr_(self, "w"), "-=", g)

`_inplace_item_` / `_inplace_attr_` read through the same guards as `x[k]` and `x.a`,
and `_inplace_` writes through the same `_write_` guard as `x[k] = ...`. The attribute
name gets the same compile-time checks as any other (`x.__class__ += ...` is refused).
"""

from __future__ import annotations

import ast
import sys
from typing import Any

from RestrictedPython.transformer import IOPERATOR_TO_STR, RestrictingNodeTransformer

INPLACE = "_inplace_"
INPLACE_ITEM = "_inplace_item_"
INPLACE_ATTR = "_inplace_attr_"


# Node class -> the name of its visitor method, interned (see LearnerTransformer.visit).
_VISITOR_NAMES: dict[type[ast.AST], str] = {}


class LearnerTransformer(RestrictingNodeTransformer):
    def visit(self, node: ast.AST) -> Any:
        """ast.NodeVisitor's dispatch, unchanged: `visit_<class name>` if there is one,
        else `generic_visit` (which RestrictedPython makes a refusal). Only the name is
        built once per node class and interned: the stock one builds a new string per
        node, which CPython's attribute cache (keyed on the string's identity) never hits,
        so every node walked the class hierarchy and rewrote a cache entry."""
        cls = type(node)
        name = _VISITOR_NAMES.get(cls)
        if name is None:
            name = _VISITOR_NAMES[cls] = sys.intern("visit_" + cls.__name__)
        return getattr(self, name, self.generic_visit)(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        target = node.target
        read: ast.expr
        if isinstance(target, ast.Subscript):
            read = ast.Subscript(value=target.value, slice=target.slice, ctx=ast.Load())
            helper = INPLACE_ITEM
        elif isinstance(target, ast.Attribute):
            read = ast.Attribute(value=target.value, attr=target.attr, ctx=ast.Load())
            helper = INPLACE_ATTR
        else:  # a plain name: RestrictedPython's own `_inplacevar_`
            return super().visit_AugAssign(node)
        ast.copy_location(read, target)
        # Visiting the read applies every check a plain read gets, and turns it into
        # `_getitem_(obj, key)` / `_getattr_(obj, "name")`: its arguments are what we need.
        guarded = self.visit(read)
        if not isinstance(guarded, ast.Call):  # refused: the error is already recorded
            return node
        value = self.visit(node.value)
        call = ast.Call(
            func=ast.Name(INPLACE, ast.Load()),
            args=[
                ast.Call(func=ast.Name(helper, ast.Load()), args=guarded.args, keywords=[]),
                ast.Constant(IOPERATOR_TO_STR[type(node.op)]),
                value,
            ],
            keywords=[],
        )
        statement = ast.Expr(call)
        ast.copy_location(statement, node)
        ast.copy_location(call, node)
        return ast.fix_missing_locations(statement)
