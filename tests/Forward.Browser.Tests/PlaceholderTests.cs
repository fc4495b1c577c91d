namespace Forward.Browser.Tests;

public class ChromiumAvailableTests
{
    [Fact]
    public void Debian_chromium_is_installed_where_the_browser_tests_expect_it() =>
        Assert.True(File.Exists("/usr/bin/chromium"), "Install Debian's chromium package: the browser tests drive /usr/bin/chromium.");
}
