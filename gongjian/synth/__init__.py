"""Synthetic ledgers at any scale, from the real administrative divisions shipped with the package.

Examples
--------
>>> from gongjian.synth import SCALES
>>> sorted(SCALES)[:2]
['city', 'district']
"""

from gongjian.synth.generate import SCALES, synthesize

__all__ = ["SCALES", "synthesize"]
