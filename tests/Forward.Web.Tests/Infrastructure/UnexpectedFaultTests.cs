using System.Data.Common;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// A fault nobody foresaw (here: a database command that throws something that is neither a constraint nor an outage)
/// still answers an API client in its own language: 500 as problem+json with a trace id, and nothing of the
/// exception's text, which could carry a patient's details.
/// </summary>
public sealed class UnexpectedFaultTests(UnexpectedFaultTests.FaultFactory factory) : IClassFixture<UnexpectedFaultTests.FaultFactory>
{
    /// <summary>Throws from any command that reads <see cref="Table"/> (the hubs unless set), while armed.</summary>
    public sealed class FaultInjector : DbCommandInterceptor
    {
        private int armed;

        public string Table { get; set; } = "Hubs";

        public bool Armed
        {
            get => Volatile.Read(ref armed) == 1;
            set => Volatile.Write(ref armed, value ? 1 : 0);
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            Armed && command.CommandText.Contains($"\"{Table}\"", StringComparison.Ordinal)
                ? throw new InvalidOperationException("Injected fault while reading for Alex Testperson 999 000 0018")
                : base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    /// <summary>The test host with the fault injector, keeping every line logged.</summary>
    public sealed class FaultFactory : InterceptingFactory<FaultInjector>
    {
        public LogCapture Log { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(Log));
        }
    }

    [Fact]
    public async Task An_unexpected_fault_in_an_api_call_answers_500_as_problem_json_without_the_exception_text()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.Commissioner);
        factory.Interceptor.Armed = true;
        try
        {
            using var response = await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative));

            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal("internal-error", problem.GetProperty("code").GetString());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
            Assert.DoesNotContain("Injected", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Testperson", body, StringComparison.Ordinal);

            // Answered, and still logged for whoever has to find out why.
            Assert.Contains(factory.Log.Lines, l => l.Contains(" Error: ", StringComparison.Ordinal) && l.Contains("/api/v1/hubs", StringComparison.Ordinal) && l.Contains(nameof(InvalidOperationException), StringComparison.Ordinal));
        }
        finally
        {
            factory.Interceptor.Armed = false;
        }

        // Disarmed, the same call works: the fault was the request's, not the server's state.
        using var after = await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task An_unexpected_fault_in_a_named_page_handler_shows_the_error_page_with_500()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var token = PageClient.AntiforgeryToken((await commissioner.GetAsync($"/Admin/Hub/{world.HubId}")).Html) ?? throw new InvalidOperationException("No anti-forgery token.");
        factory.Interceptor.Armed = true;
        try
        {
            // The exception handler re-runs /Error with the post's own query (?handler=Window); old code: 404 "Page not
            // found", since the error page has no handler of that name.
            using var response = await commissioner.Http.PostAsync(
                new Uri($"/Admin/Hub/{world.HubId}?handler=Window", UriKind.Relative),
                new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("Window.Shown", "48"), new("Window.Hours", "48")]));

            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Contains("Sorry, there is a problem with the service", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Injected", html, StringComparison.Ordinal);
        }
        finally
        {
            factory.Interceptor.Armed = false;
        }
    }

    /// <summary>
    /// A fault on the public online consultation form shows the patient's error page: the path is the exception's, as
    /// no status code page names it (old code: the staff site's "Sign in", home page and support reference).
    /// </summary>
    [Fact]
    public async Task An_unexpected_fault_on_the_consultation_form_shows_the_patient_error_page()
    {
        using var patient = new PageClient(factory);
        factory.Interceptor.Table = "Practices";
        factory.Interceptor.Armed = true;
        try
        {
            var (status, html) = await patient.GetAsync("/Consult");

            Assert.Equal(HttpStatusCode.InternalServerError, status);
            Assert.Contains("Sorry, there is a problem with the service", html, StringComparison.Ordinal);
            Assert.Contains("<a href=\"/Consult\">Contact your GP practice online</a>", html, StringComparison.Ordinal);
            Assert.Contains("go back and send it again. If it did reach your practice, it will not be sent twice.", html, StringComparison.Ordinal);
            Assert.Contains("call 111", html, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"/Account/SignIn\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Go to the Forward home page", html, StringComparison.Ordinal);
            Assert.DoesNotContain("contact support", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Injected", html, StringComparison.Ordinal);
        }
        finally
        {
            factory.Interceptor.Armed = false;
            factory.Interceptor.Table = "Hubs";
        }
    }
}
