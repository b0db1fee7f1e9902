"""Every page of the portal and the admin, for each persona who may see it, at 1,280 and 390 px: axe-core
(WCAG 2.2 AA and best practice) finds no violation, nothing scrolls sideways on a phone, and the language
switcher is in sight without opening a menu. The pages come from the access matrix (tests/browser/sweep.py).
"""

from collections import Counter

import pytest

from tests.browser.sweep import PARTS, sweep
from tests.test_access_matrix import matrix_personas, matrix_world, other_specialist  # noqa: F401 - fixtures


@pytest.mark.parametrize("part", PARTS)
def test_every_page_for_everybody_who_sees_it_is_accessible(browser, portal, matrix_personas, matrix_world, part):  # noqa: F811
    result = sweep(browser, portal, matrix_personas, matrix_world, part)
    names = {name for _persona, name in result.checked}
    print(
        f"\naccessibility sweep of the {part}: {len(result.checked)} pages x personas ({len(names)} URL names) "
        f"x 2 widths in {result.seconds:.1f} s ({result.cpu:.1f} s of CPU); {len(result.skipped)} left out "
        "(no HTML page of their own, or drawn from the same templates as a page checked)"
    )
    for persona, name, why in result.skipped:
        print(f"  left out: {name} as {persona}: {why}")
    by_rule = Counter(finding.rule for finding in result.findings)
    summary = ", ".join(f"{rule} {count}" for rule, count in by_rule.most_common())
    assert not result.findings, f"{len(result.findings)} findings ({summary}):\n" + "\n".join(
        str(finding) for finding in result.findings
    )
