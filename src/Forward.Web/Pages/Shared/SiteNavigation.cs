using System.Security.Claims;
using Forward.Domain.Access;

namespace Forward.Web.Pages;

/// <summary>A link in the header's navigation; <paramref name="Path"/> is app-relative ("/Booking/Find").</summary>
public sealed record NavigationLink(string Text, string Path);

/// <summary>
/// What the header shows a user, worked out from their roles alone (pages need not set anything).
/// Only links the user's roles allow are listed; the pages themselves still enforce their own authorisation.
/// </summary>
public static class SiteNavigation
{
    public const string SignInPath = "/Account/SignIn";
    public const string SignOutPath = "/Account/SignOut";

    public static IReadOnlyList<NavigationLink> LinksFor(ClaimsPrincipal? user)
    {
        var links = new List<NavigationLink>();
        if (user?.Identity?.IsAuthenticated != true)
        {
            return links;
        }

        if (user.IsInRole(Roles.PracticeStaff) || user.IsInRole(Roles.Nhs111) || user.IsInRole(Roles.HubClinician))
        {
            links.Add(new NavigationLink("Find a slot", "/Booking/Find"));
            links.Add(new NavigationLink("Appointments", "/Appointments"));
        }

        if (user.IsInRole(Roles.PracticeStaff))
        {
            links.Add(new NavigationLink("Online requests", "/Triage"));
        }

        if (user.IsInRole(Roles.HubClinician))
        {
            links.Add(new NavigationLink("Day list", "/Hubs/DayList"));
        }

        if (user.IsInRole(Roles.PracticeStaff) || user.IsInRole(Roles.Nhs111) || user.IsInRole(Roles.HubClinician) || user.IsInRole(Roles.Commissioner))
        {
            links.Add(new NavigationLink("Local services", "/Navigation"));
        }

        if (user.IsInRole(Roles.Commissioner) || user.IsInRole(Roles.PracticeStaff))
        {
            links.Add(new NavigationLink("Access dashboard", "/Compliance"));
            links.Add(new NavigationLink("Online consultation measures", "/Consultation/Measures"));
        }

        if (user.IsInRole(Roles.Commissioner))
        {
            links.Add(new NavigationLink("Hubs", "/Admin/Hubs"));
            links.Add(new NavigationLink("Audit log", "/Audit"));
        }

        return links;
    }

    /// <summary>The signed-in user's name for the header: the "name" claim, else Identity.Name; null when anonymous.</summary>
    public static string? DisplayName(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var name = user.FindFirst("name")?.Value;
        if (string.IsNullOrWhiteSpace(name))
        {
            name = user.Identity.Name;
        }

        return string.IsNullOrWhiteSpace(name) ? "Signed in" : name.Trim();
    }

    /// <summary>Whether <paramref name="requestPath"/> is the link's page ("page") or below it ("true"); null otherwise.</summary>
    public static string? AriaCurrent(NavigationLink link, PathString requestPath)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (!requestPath.StartsWithSegments(link.Path, StringComparison.OrdinalIgnoreCase, out var remaining))
        {
            return null;
        }

        return remaining.HasValue && remaining.Value != "/" ? "true" : "page";
    }
}
