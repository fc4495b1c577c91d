using System.Net;
using Forward.Web.Tests.Infrastructure;

namespace Forward.Web.Tests.Pages;

/// <summary>
/// The error page speaks to whoever met the error: a patient on the online consultation form (/Consult) is not shown
/// the staff site's "Sign in", home page or support desk. (A link in a patient's message, /Patient, is tested with its
/// rate limit: its own page answers a link that does not work.)
/// </summary>
public sealed class ErrorPageTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private const string SignIn = "href=\"/Account/SignIn\"";
    private const string StaffHome = "Go to the Forward home page";
    private const string Support = "contact support";

    /// <summary>What an expired or broken confirmation link gets (old code: the staff site's page).</summary>
    [Theory]
    [InlineData("/Consult/Confirmation?t=abc")]
    [InlineData("/consult/confirmation")]
    [InlineData("/Consult/Confirmatio")]
    [InlineData("/Consult/NoSuchPage/deeper?x=1")]
    public async Task A_page_not_found_on_the_consultation_form_is_the_patients(string url)
    {
        using var patient = new PageClient(factory);
        var (status, html) = await patient.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Page not found", html, StringComparison.Ordinal);
        Assert.Contains("If you followed a link, it may have expired.", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/Consult\">Contact your GP practice online</a>", html, StringComparison.Ordinal);
        Assert.Contains("contact your GP practice by phone, or call 111", html, StringComparison.Ordinal);
        Assert.DoesNotContain(SignIn, html, StringComparison.Ordinal);
        Assert.DoesNotContain(StaffHome, html, StringComparison.Ordinal);
        Assert.DoesNotContain(Support, html, StringComparison.Ordinal);
    }

    /// <summary>A cut-off link from a patient's message (old code: a redirect to the staff sign-in page).</summary>
    [Theory]
    [InlineData("/Patient/Cancl?token=abc")]
    [InlineData("/patient/")]
    public async Task A_page_not_found_under_a_patients_link_is_the_patients(string url)
    {
        using var patient = new PageClient(factory);
        var (status, html) = await patient.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Page not found", html, StringComparison.Ordinal);
        Assert.DoesNotContain(SignIn, html, StringComparison.Ordinal);
        Assert.DoesNotContain(StaffHome, html, StringComparison.Ordinal);
    }

    /// <summary>Staff pages keep the staff page, /Consultation (staff: online consultation measures) among them.</summary>
    [Theory]
    [InlineData("/NoSuchPage")]
    [InlineData("/Consultation/NoSuchPage")]
    [InlineData("/Consulting")]
    public async Task A_page_not_found_elsewhere_is_the_staff_sites(string url)
    {
        var world = await TestWorld.CreateAsync(factory);
        using var staff = await PageClient.SignedInAsync(factory, world.Commissioner);
        var (status, html) = await staff.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains(StaffHome, html, StringComparison.Ordinal);
        Assert.Contains(Support, html, StringComparison.Ordinal);
        Assert.DoesNotContain("Contact your GP practice online", html, StringComparison.Ordinal);
    }
}
