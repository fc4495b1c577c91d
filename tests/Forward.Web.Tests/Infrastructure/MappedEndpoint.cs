using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// One route the running app maps, read from its route table, so tests that must cover every endpoint (authorisation,
/// hostile input, anti-forgery) find new ones by themselves. <see cref="Route"/> is the template with a leading slash
/// ("/api/v1/hubs/{id:int}", "/Booking/Find"); <see cref="Methods"/> are the methods routing lets through (a Razor
/// page's are GET, HEAD and POST), null for an endpoint that takes any.
/// </summary>
public sealed partial record MappedEndpoint(string Route, IReadOnlyList<string>? Methods)
{
    /// <summary>The route without a trailing slash ("/api/v1/hubs/" → "/api/v1/hubs"; the root stays "/").</summary>
    public string Path => "/" + Route.Trim('/');

    /// <summary>Razor pages are named by their path; minimal-API endpoints "HTTP: GET ...".</summary>
    public bool IsPage { get; init; }

    /// <summary>The endpoint itself, for what its metadata says (the handler's parameters).</summary>
    public RouteEndpoint? Endpoint { get; init; }

    /// <summary>The path with every route parameter ("{id:long}", "{ods}") given <paramref name="value"/>.</summary>
    public string PathWith(string value) => RouteParameter().Replace(Path, value);

    public static IReadOnlyList<MappedEndpoint> All(ForwardFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => new MappedEndpoint("/" + (e.RoutePattern.RawText ?? string.Empty).TrimStart('/'), e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.ToList())
            {
                IsPage = e.DisplayName?.StartsWith('/') == true,
                Endpoint = e,
            })
            .ToList();
    }

    [GeneratedRegex("\\{[^}]+\\}")]
    private static partial Regex RouteParameter();
}
