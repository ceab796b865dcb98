"""The order in which a class has its bases' methods (``scope_info.linearize``) is Python's MRO,
on random hierarchies; where Python refuses the bases, so does shapelint."""

from hypothesis import given, settings
from hypothesis import strategies as st

from shapelint.infer.scope_info import ClassInfo, linearize

# class k may derive from any of the classes before it
HIERARCHIES = st.integers(1, 7).flatmap(
    lambda n: st.tuples(*[st.lists(st.integers(0, max(k - 1, 0)), max_size=min(k, 3), unique=True)
                          for k in range(n)]))


@settings(max_examples=300, deadline=None)
@given(HIERARCHIES)
def test_linearize_is_pythons_mro(bases_of):
    real: list = []
    infos: list = []
    for k, bases in enumerate(bases_of):
        bases = [b for b in bases if b < k]
        info = ClassInfo(f"C{k}", None)
        order = linearize([infos[b] for b in bases]) if bases else ()
        try:
            cls = type(f"C{k}", tuple(real[b] for b in bases) or (object,), {})
        except TypeError:  # Python cannot order these bases
            assert order is None
            cls = type(f"C{k}", (object,), {})  # later classes derive from a stand-in
            order = ()
        else:
            assert order is not None
            assert [c.name for c in order] == [c.__name__ for c in cls.__mro__[1:-1]]
        info.mro = (info,) + order if bases else ()
        real.append(cls)
        infos.append(info)
