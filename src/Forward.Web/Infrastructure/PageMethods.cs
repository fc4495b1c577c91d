using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Routing;

namespace Forward.Web.Infrastructure;

/// <summary>
/// Which requests a Razor page answers. Razor Pages on their own answer every method, and a request that matches none
/// of a page's handlers (TRACE, PUT, a POST to a page with no OnPost, ?handler=Nonsense) draws the page without any
/// handler having run: its model is empty, so the page threw (500) or, worse, said something untrue (the record page
/// said an attempt had been audited when nothing had).
/// </summary>
public static class PageMethods
{
    /// <summary>
    /// On every page's route, so routing answers any other method 405 with an Allow header before the page is reached,
    /// and before anti-forgery (which would answer a PUT or DELETE 400 for its missing token) has a say. Routing's 405
    /// endpoint carries none of the page's metadata, so only the fallback policy applies to it: an anonymous caller is
    /// sent to sign in, as for a path with no page, and learns nothing; anyone signed in hears 405 whatever the page's
    /// roles (its address is no secret: the README lists them).
    /// </summary>
    public static readonly HttpMethodMetadata Allowed = new([HttpMethods.Get, HttpMethods.Head, HttpMethods.Post]);

    /// <summary>
    /// The exception handler re-runs a failed request on the error page with its own query: a post to ?handler=Window
    /// that threw must be drawn as the error it is (500), not refused as a handler the error page does not have.
    /// </summary>
    private const string ErrorPage = "/Error";

    /// <summary>The query (or route) value that names a page handler, as Razor Pages reads it.</summary>
    private const string HandlerKey = "handler";

    /// <summary>
    /// A request routing let through (GET, HEAD or POST) that names no handler of the page, or finds none for its
    /// method: 405 for a POST to a page that takes no posts (whatever handler it names), 404 for a handler name the page
    /// does not have. It runs after anti-forgery, so a post without a token is still refused with 400 first, as on every
    /// other page.
    /// </summary>
    /// <remarks>
    /// 404 rather than 400 for an unknown handler: the handler name is part of the address (?handler=Csv, or a
    /// {handler?} route segment), so a name the page does not have is an address with nothing behind it, as a path with
    /// no page is; the request itself is well formed. A known name sent with the wrong method (GET ?handler=Outcome,
    /// which is the page's form post, as a browser's address bar keeps it after a form was shown again) is left to Razor
    /// Pages, which runs the page's own OnGet.
    /// </remarks>
    public sealed class HandlerFilter : IPageFilter
    {
        public void OnPageHandlerSelected(PageHandlerSelectedContext context)
        {
        }

        public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (string.Equals(context.ActionDescriptor.ViewEnginePath, ErrorPage, StringComparison.Ordinal))
            {
                return;
            }

            var handlers = context.ActionDescriptor.HandlerMethods;
            var method = context.HttpContext.Request.Method;
            var takesPosts = handlers.Any(h => HttpMethods.IsPost(h.HttpMethod));
            if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !(HttpMethods.IsPost(method) && takesPosts))
            {
                // Routing has refused methods other than GET, HEAD and POST already: this is a post to a page that takes none.
                context.HttpContext.Response.Headers.Allow = takesPosts ? "GET, HEAD, POST" : "GET, HEAD";
                context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
                return;
            }

            if (RequestedHandler(context) is { } name && !handlers.Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                context.Result = new NotFoundResult();
                return;
            }

            // A page with no GET handler at all is drawn as it stands; one that has handlers but none for this request
            // (a post naming no handler, where all of the page's posts are named) would be drawn without its data.
            if (context.HandlerMethod is null && (HttpMethods.IsPost(method) || handlers.Any(h => HttpMethods.IsGet(h.HttpMethod))))
            {
                context.Result = new NotFoundResult();
            }
        }

        public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
        {
        }

        private static string? RequestedHandler(PageHandlerExecutingContext context)
        {
            var name = Convert.ToString(context.RouteData.Values[HandlerKey], System.Globalization.CultureInfo.InvariantCulture);
            if (string.IsNullOrEmpty(name) && context.HttpContext.Request.Query.TryGetValue(HandlerKey, out var values))
            {
                name = values[0];
            }

            return string.IsNullOrEmpty(name) ? null : name;
        }
    }
}
