"""A browser's user-agent string in words a bureau's staff read: "Chrome 120 / Windows 10", "微信 8.0 / Android 14".

The login log keeps the raw string (shown on hover); this reads the browser (or the app whose built-in browser
it is) and the system from it. ua-parser (uap-core) was tried first: it reads WeChat as "Chrome Mobile WebView"
and knows neither 钉钉, 企业微信 nor 360, the clients bureau staff use most, so these few ordered rules do it.
Order matters: in-app browsers and Chinese shells before the engines they carry (Edge and QQ Browser say
"Chrome", Chrome says "Safari").
"""

from __future__ import annotations

import re
from functools import lru_cache

# (name shown, pattern whose first group is the version) — the first that matches names the browser
_BROWSERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("企业微信", r"wxwork/([\d.]+)"),
        ("微信", r"MicroMessenger/([\d.]+)"),
        ("钉钉", r"DingTalk/([\d.]+)"),
        ("QQ", r"\bQQ/([\d.]+)"),
        ("飞书", r"Lark/([\d.]+)"),
        ("QQ浏览器", r"MQQBrowser/([\d.]+)|QQBrowser/([\d.]+)"),
        ("UC浏览器", r"UCBrowser/([\d.]+)"),
        ("360浏览器", r"(?:QIHU 360\w*|360SE|360EE)()"),
        ("搜狗浏览器", r"SE ([\d.]+)X MetaSr|MetaSr()"),
        ("夸克", r"Quark/([\d.]+)"),
        ("百度", r"baiduboxapp/([\d.]+)"),
        ("华为浏览器", r"HuaweiBrowser/([\d.]+)"),
        ("小米浏览器", r"MiuiBrowser/([\d.]+)"),
        ("Edge", r"Edg(?:e|A|iOS)?/([\d.]+)"),
        ("Opera", r"OPR/([\d.]+)"),
        ("Firefox", r"(?:Firefox|FxiOS)/([\d.]+)"),
        ("Chrome", r"(?:Chrome|CriOS|HeadlessChrome)/([\d.]+)"),
        ("Safari", r"Version/([\d.]+)[^()]*Safari/"),
        ("IE", r"MSIE ([\d.]+)|Trident/.*rv:([\d.]+)"),
        ("curl", r"^curl/([\d.]+)"),
        ("Python", r"python-\w+/([\d.]+)"),
    )
)

_WINDOWS = {"10.0": "10", "6.3": "8.1", "6.2": "8", "6.1": "7", "6.0": "Vista", "5.1": "XP", "5.2": "XP"}

# (name, pattern, how the version is read) — the first that matches names the system
_SYSTEMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("HarmonyOS", r"(?:HarmonyOS|OpenHarmony)[ /]?([\d.]*)"),
        ("iPadOS", r"iPad.*? OS (\d+)[_\d]*"),
        ("iOS", r"(?:iPhone|iPod).*? OS (\d+)[_\d]*"),
        ("Android", r"Android[ /]?([\d.]*)"),
        ("Windows", r"Windows NT ([\d.]+)"),
        ("macOS", r"Mac OS X ?(\d+[_.]\d+)?"),
        ("统信UOS", r"\bUOS\b()"),
        ("银河麒麟", r"Kylin()"),
        ("Chrome OS", r"CrOS()"),
        ("Linux", r"Linux()"),
    )
)


def _short(version: str, parts: int) -> str:
    return ".".join(version.replace("_", ".").split(".")[:parts])


def _first_group(match: re.Match[str]) -> str:
    return next((g for g in match.groups() if g), "")


def browser(ua: str) -> str:
    for name, pattern in _BROWSERS:
        m = pattern.search(ua)
        if m:
            version = _first_group(m)
            # apps by major.minor (微信 8.0), browsers by major (Chrome 120)
            parts = 2 if name in ("企业微信", "微信", "钉钉", "QQ", "飞书", "Python", "curl") else 1
            return f"{name} {_short(version, parts)}".strip() if version else name
    return ""


def system(ua: str) -> str:
    for name, pattern in _SYSTEMS:
        m = pattern.search(ua)
        if not m:
            continue
        version = _first_group(m)
        if name == "Windows":
            # Windows 11 reports NT 10.0 too: it can be told only from client hints, which are not kept
            version = _WINDOWS.get(version, version)
        elif name == "macOS" and version:
            version = _short(version, 2)
            if version == "10.15":  # Safari and Chrome freeze it at 10.15 on every later macOS
                version = ""
        elif name == "Android":
            version = _short(version, 1)
        return f"{name} {version}".strip()
    return ""


@lru_cache(maxsize=512)
def describe(ua: str) -> str:
    """"浏览器 版本 / 系统 版本", either side alone when only one is known, "" for an empty string; a string
    neither side recognises is returned cut short (the page shows the whole on hover)."""
    ua = (ua or "").strip()
    if not ua:
        return ""
    parts = [p for p in (browser(ua), system(ua)) if p]
    return " / ".join(parts) if parts else ua[:40]
