namespace Forward.Web.Pages;

/// <summary>A page link in a list's pagination; a null number is an ellipsis.</summary>
public sealed record PageLink(int? Number, bool Current);

/// <summary>
/// Numbered pages of a list, for the _Pagination partial: the page to link, the current page and how many there are,
/// and the query values that show page n.
/// </summary>
public sealed record Pagination(string PagePath, int CurrentPage, int PageCount, Func<int, IDictionary<string, string>> RouteValues)
{
    /// <summary>
    /// Pages of <paramref name="pageSize"/> for <paramref name="total"/> rows (at least one), showing the page asked for:
    /// none, the first; past the last, the last.
    /// </summary>
    public static Pagination Of(string pagePath, int? requested, int total, int pageSize, Func<int, IDictionary<string, string>> routeValues)
    {
        var pages = Math.Max(1, (total + pageSize - 1) / pageSize);
        return new Pagination(pagePath, Math.Clamp(requested ?? 1, 1, pages), pages, routeValues);
    }

    /// <summary>Page numbers to link: the first, the last and two either side of the current page, with gaps as ellipses.</summary>
    public IReadOnlyList<PageLink> Links()
    {
        var links = new List<PageLink>();
        var previous = 0;
        for (var n = 1; n <= PageCount; n++)
        {
            if (n != 1 && n != PageCount && Math.Abs(n - CurrentPage) > 2)
            {
                continue;
            }

            if (n - previous > 1)
            {
                links.Add(new PageLink(null, false));
            }

            links.Add(new PageLink(n, n == CurrentPage));
            previous = n;
        }

        return links;
    }
}
