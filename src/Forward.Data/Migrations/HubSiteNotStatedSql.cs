#nullable enable

namespace Forward.Data.Migrations;

/// <summary>
/// Databases seeded before hubs could have no site or town held a note ("Site not stated in the seeds") as the site or
/// town of 18 hubs, and every message to a patient gave it as the hub's address. The HubSiteAndTownNotStated migration
/// (the same SQL on both databases) leaves those null, as a fresh seed does, and moves the note to the hub's source.
/// Only a value still as seeded is changed: a site someone has since entered stays.
/// </summary>
internal static class HubSiteNotStatedSql
{
    private const string SiteNotStated = "Site not stated in the seeds";
    private const string SiteNotNamed = "Not named in the seeds (synthetic)";
    private const string WorcestershireSite = "Community hospital or medical centre (not stated)";

    private static readonly (string Code, string? OldSite, string? OldTown, string Note)[] Hubs =
    [
        ("BED-H04", SiteNotStated, null, "site not stated in the seeds"),
        ("BED-H05", SiteNotStated, null, "site not stated in the seeds"),
        ("BED-H07", SiteNotStated, null, "site not stated in the seeds"),
        ("BED-H09", SiteNotStated, "West Mid Beds (town not stated)", "site and town not stated in the seeds (West Mid Beds locality)"),
        ("LUT-X01", SiteNotNamed, null, "site not named (synthetic hub)"),
        ("LUT-X02", SiteNotNamed, null, "site not named (synthetic hub)"),
        ("LUT-X03", SiteNotNamed, null, "site not named (synthetic hub)"),
        ("LUT-X04", SiteNotNamed, null, "site not named (synthetic hub)"),
        ("MK-X01", SiteNotNamed, null, "site not named (synthetic hub)"),
        ("MK-X02", SiteNotNamed, null, "site not named (synthetic hub)"),
        ("MK-X03", SiteNotNamed, null, "site not named (synthetic hub)"),
        ("MK-X04", SiteNotNamed, null, "site not named (synthetic hub)"),
        ("WOR-H04", WorcestershireSite, null, "site not stated (a community hospital or medical centre)"),
        ("WOR-H01", WorcestershireSite, null, "site not stated (a community hospital or medical centre)"),
        ("WOR-H02", WorcestershireSite, null, "site not stated (a community hospital or medical centre)"),
        ("WOR-H03", WorcestershireSite, null, "site not stated (a community hospital or medical centre)"),
        ("WOR-H09", "Not stated (\"a likely site for the Health Partnership\")", null, "site not stated (\"a likely site for the Health Partnership\")"),
        ("WOR-H10", null, "Wyre Forest (town not stated)", "town not stated (Wyre Forest)"),
    ];

    public static IEnumerable<string> Up() => Hubs.Select(h =>
    {
        var set = string.Join(", ", Columns(h).Select(c => $"\"{c.Column}\" = NULL"));
        var where = string.Join(" AND ", Columns(h).Select(c => $"\"{c.Column}\" = {Literal(c.Old)}"));
        return $"UPDATE \"Hubs\" SET {set}, \"Source\" = COALESCE(\"Source\" || '; ', '') || {Literal(h.Note)} WHERE \"Code\" = {Literal(h.Code)} AND {where};";
    });

    /// <summary>The notes back where they were, and an empty site or town where one is still missing (the columns are required again).</summary>
    public static IEnumerable<string> Down() => Hubs.Select(h =>
    {
        var suffix = "; " + h.Note;
        var set = string.Join(", ", Columns(h).Select(c => $"\"{c.Column}\" = {Literal(c.Old)}"));
        var where = string.Join(" AND ", Columns(h).Select(c => $"\"{c.Column}\" IS NULL"));
        return $"UPDATE \"Hubs\" SET {set}, \"Source\" = SUBSTR(\"Source\", 1, LENGTH(\"Source\") - {suffix.Length}) WHERE \"Code\" = {Literal(h.Code)} AND {where} AND \"Source\" LIKE {Literal("%" + suffix)};";
    }).Concat(
    [
        "UPDATE \"Hubs\" SET \"SiteName\" = '' WHERE \"SiteName\" IS NULL;",
        "UPDATE \"Hubs\" SET \"Town\" = '' WHERE \"Town\" IS NULL;",
    ]);

    private static IEnumerable<(string Column, string Old)> Columns((string Code, string? OldSite, string? OldTown, string Note) hub)
    {
        if (hub.OldSite is not null)
        {
            yield return ("SiteName", hub.OldSite);
        }

        if (hub.OldTown is not null)
        {
            yield return ("Town", hub.OldTown);
        }
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
