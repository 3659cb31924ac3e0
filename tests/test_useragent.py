"""The login log names the browser and system of each attempt, read from real user-agent strings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from keguan.accounts.models import LoginLog
from keguan.accounts.useragent import describe

CHROME_WIN = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/120.0.0.0 Safari/537.36")
WECHAT_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 "
    "MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64")
SAFARI_IOS = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
              "Version/17.1.2 Mobile/15E148 Safari/604.1")


@pytest.mark.parametrize(("ua", "expected"), [
    (CHROME_WIN, "Chrome 120 / Windows 10"),
    (WECHAT_ANDROID, "微信 8.0 / Android 14"),
    (SAFARI_IOS, "Safari 17 / iOS 17"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
     "Safari/605.1.15", "Safari 17 / macOS"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36 Edg/120.0.2210.91", "Edge 120 / Windows 10"),
    ("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko", "IE 11 / Windows 7"),
    ("Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.5359.95 "
     "Safari/537.36 QIHU 360SE", "360浏览器 / Windows 10"),
    ("Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.25 "
     "Safari/537.36 Core/1.70.3877.400 QQBrowser/10.8.4506.400", "QQ浏览器 10 / Windows 10"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Mobile/15E148 DingTalk/7.5.0 Channel/201200 language/zh-Hans-CN UT4Aplus/0.0.6 WK", "钉钉 7.5 / iOS 17"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox 121 / Linux"),
    ("Mozilla/5.0 (Linux; U; Android 13; zh-CN; V2219A Build/TP1A.220624.014) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Version/4.0 Chrome/100.0.4896.58 UCBrowser/16.1.6.1270 Mobile Safari/537.36", "UC浏览器 16 / Android 13"),
    ("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 "
     "Mobile/15E148 Safari/604.1", "Safari 16 / iPadOS 16"),
    ("Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00; HMSCore 6.13.0.302) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/114.0.5735.196 HuaweiBrowser/15.0.4.312 Mobile Safari/537.36", "华为浏览器 15 / HarmonyOS"),
    ("python-requests/2.31.0", "Python 2.31"),
    ("", ""),
    ("SomethingUnknown", "SomethingUnknown"),
])
def test_describe(ua, expected):
    assert describe(ua) == expected


def test_login_log_shows_browser_and_system_with_raw_string_on_hover(world, login):
    LoginLog.objects.create(username="staff", user=world.staff, region=world.a, success=True, ip="10.1.2.3",
                            user_agent=WECHAT_ANDROID)
    page = login(world.leader).get(reverse("accounts:login_log")).content.decode()
    assert "微信 8.0 / Android 14" in page
    assert f'title="{WECHAT_ANDROID}"' in page


def test_a_very_long_user_agent_is_kept_to_the_column_and_the_login_still_succeeds(world, client):
    """Some in-app browsers send strings of 1,000+ characters; the login must not fail on PostgreSQL's limit."""
    from tests.conftest import PASSWORD

    ua = WECHAT_ANDROID + " Extra/" + "x" * 2000
    r = client.post(reverse("accounts:login"), {"username": "staff", "password": PASSWORD}, HTTP_USER_AGENT=ua)
    assert r.status_code == 302
    row = LoginLog.objects.get(username="staff", event="login")
    assert row.user_agent == ua[:LoginLog.UA_MAX]
    assert row.client == "微信 8.0 / Android 14"
