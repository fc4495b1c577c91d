using System.Text.Json.Serialization;
using Forward.Data;
using Forward.Data.Seeding;
using Forward.Domain.Access;
using Forward.Domain.Booking;
using Forward.Web.Access;
using Forward.Web.Audit;
using Forward.Web.Booking;
using Forward.Web.Compliance;
using Forward.Web.Consultation;
using Forward.Web.Demo;
using Forward.Web.Fhir;
using Forward.Web.Hubs;
using Forward.Web.Infrastructure;
using Forward.Web.Navigation;
using Forward.Web.Notifications;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;

namespace Forward.Web;

/// <summary>How Forward's services and pipeline are put together; Program.cs only calls these two methods.</summary>
public static class ForwardApp
{
    public static WebApplicationBuilder AddForward(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddSingleton(TimeProvider.System);

        // The host's own request lines ("Request starting ... GET /fhir/Patient?identifier=...|9990000018") carry the
        // query string, where GP Connect searches put NHS numbers. They stay off whatever the configuration says: a
        // rule for that category, added after the configuration's, for no provider in particular and for every
        // provider the configuration names (a provider's own rule, "Logging:Console:LogLevel:Default", would otherwise
        // outrank one for no provider). HTTP logging writes the request line instead, without the query, when
        // "Microsoft.AspNetCore.HttpLogging" is at Information.
        services.PostConfigure<LoggerFilterOptions>(o =>
        {
            const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";
            foreach (var providerName in o.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList())
            {
                o.Rules.Add(new LoggerFilterRule(providerName, Category, LogLevel.Warning, filter: null));
            }
        });
        services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });

        var provider = services.AddForwardDatabase(configuration, builder.Environment.ContentRootPath);
        services.AddSingleton<ReferenceDataSeeder>();
        services.AddSingleton<DatabaseReadiness>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        services.Configure<DemoOptions>(configuration.GetSection("Forward:Demo"));
        services.Configure<SlotOptions>(configuration.GetSection("Forward:Slots"));
        services.AddOptions<BookingPolicy>().Configure(policy =>
        {
            // Booking:Windows:Nhs111:MaximumAhead = "2.00:00:00" etc. override the defaults channel by channel.
            foreach (var channel in Enum.GetValues<BookingChannel>())
            {
                configuration.GetSection($"Forward:Booking:Windows:{channel}").Bind(policy.Windows[channel]);
            }
        });

        services.AddScoped<AuditLog>();
        services.AddSingleton<OrganisationCcgs>();
        services.AddScoped<SlotPlanner>();
        services.AddScoped<BookingService>();
        services.AddScoped<BookingWriter>();
        var writers = provider == DatabaseProvider.Postgres ? WholeNumberSetting.Read(configuration, "Forward:Booking:Writers", unset: 2, min: 1, max: 8) : 1;
        services.AddSingleton(sp => new BookingBatcher(sp.GetRequiredService<IServiceScopeFactory>(), writers));
        services.AddScoped<RotaService>();
        services.AddScoped<ComplianceQueries>();
        AddTelemetry(services, configuration);
        services.Configure<ConsultationOptions>(configuration.GetSection("Forward:Consultation"));
        services.Configure<FhirOptions>(configuration.GetSection("Forward:Fhir"));
        services.AddScoped<ConsultationService>();
        services.AddScoped<ConsultationMeasures>();
        services.AddScoped<NavigationService>();
        services.AddScoped<TriageService>();
        services.AddSingleton<ConsultationDraftProtector>();
        services.AddScoped<DemoHistory>();
        if (configuration.GetValue("Forward:Demo:HistoryMonths", 0) > 0)
        {
            services.AddHostedService<DemoHistoryService>();
        }

        if (configuration.GetValue("Forward:Slots:RefreshInBackground", true))
        {
            services.AddHostedService<SlotHorizonService>();
        }

        services.Configure<NotificationOptions>(configuration.GetSection("Forward:Notifications"));
        services.AddScoped<NotificationScheduler>();
        services.AddSingleton<PatientCancelLinks>();
        services.AddSingleton<FileNotificationSender>();
        services.AddSingleton<INotificationSender>(sp => sp.GetRequiredService<FileNotificationSender>());
        services.AddSingleton<OutboxDispatcher>();
        if (configuration.GetValue("Forward:Notifications:DispatchInBackground", true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        }

        // Sign-in cookies, bearer tokens and patient cancel links are protected with these keys: keep them in the
        // data folder so a restart does not sign everyone out or break links already sent.
        var keysDirectory = Path.Combine(Path.GetFullPath(configuration["Forward:DataDirectory"] ?? "data", builder.Environment.ContentRootPath), "keys");
        services.AddDataProtection().SetApplicationName("Forward").PersistKeysToFileSystem(new DirectoryInfo(keysDirectory));

        services.AddForwardAuthentication();
        services.AddTrustedProxies(configuration);
        services.AddForwardRateLimits(configuration);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "Forward.Antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        if (IsDeployed(builder.Environment))
        {
            // The sign-in cookie is marked Secure even when the request reached Forward as plain HTTP: behind a proxy that
            // ends TLS and is not named in TrustedProxies, SameAsRequest would send it without. (The anti-forgery cookie
            // carries no credential, and with Always anti-forgery refuses every plain-HTTP form: it stays as it was.)
            services.PostConfigure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(AuthenticationSetup.CookieScheme, o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
        }

        services.AddRazorPages(o =>
        {
            o.Conventions.AllowAnonymousToPage("/Index");
            o.Conventions.AllowAnonymousToPage("/Error");
            o.Conventions.AllowAnonymousToFolder("/Account");
            o.Conventions.AllowAnonymousToFolder("/Patient");
            o.Conventions.AllowAnonymousToFolder("/Consult");

            // Pages answer GET, HEAD and POST, and only through one of their handlers: anything else is 405 or 404,
            // never a page drawn without its data (PageMethods).
            o.Conventions.AddFolderRouteModelConvention("/", page =>
            {
                foreach (var selector in page.Selectors)
                {
                    selector.EndpointMetadata.Add(PageMethods.Allowed);
                }
            });
            o.Conventions.ConfigureFilter(new PageMethods.HandlerFilter());
        }).AddMvcOptions(o =>
        {
            o.ModelBinderProviders.Insert(0, new PageDateModelBinderProvider());
            o.ModelBinderProviders.Insert(0, new PageIntegerModelBinderProvider());
            o.ModelBinderProviders.Insert(0, new PageEnumModelBinderProvider());
        });

        // Every API error names a stable code, as the README promises: bare statuses (an expired token, a role's 403, a
        // route that does not exist, a rate limit) get one from their status.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                // A problem typed by Forward (".../problems/locked-out") is named by its type; a bare status by its status.
                context.ProblemDetails.Extensions["code"] = context.ProblemDetails.Type is { } type && type.StartsWith(Problems.TypeBase, StringComparison.Ordinal)
                    ? type[Problems.TypeBase.Length..]
                    : Problems.CodeForStatus(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode);
            }
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddForwardFhir();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new EnumNameJsonConverter());
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        services.AddOpenApi("v1", ApiDocument.Configure);

        builder.WebHost.ConfigureKestrel(k =>
        {
            // Nothing Forward accepts is large; refuse big bodies before they are read.
            k.Limits.MaxRequestBodySize = 1024 * 1024;
        });
        return builder;
    }

    public static Task UseForwardAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (IsDeployed(app.Environment) && !NotificationOptions.IsPublicAddress(app.Configuration["Forward:Notifications:PublicBaseUrl"]))
        {
            // A server sends confirmations and reminders, each with a cancel link: pointing at this machine, none would
            // work. (Maintenance commands, which send nothing, do not need it.)
            throw new InvalidOperationException(
                "Forward:Notifications:PublicBaseUrl must be the https address patients reach Forward at (for example https://forward.example.nhs.uk): the cancel links in their messages point there.");
        }

        if (app.Configuration["Forward:Notifications:CalendarOrganizerEmail"] is { Length: > 0 } organizer && !NotificationOptions.IsEmailAddress(organizer))
        {
            // Every email's calendar file names it: a value that is no address would fail every confirmation sent.
            throw new InvalidOperationException("Forward:Notifications:CalendarOrganizerEmail must be an email address (for example appointments@forward.example.nhs.uk), or not set.");
        }

        if (app.Configuration["Forward:Notifications:ReminderLeadHours"] is { } lead && !NotificationOptions.IsReminderLead(lead))
        {
            // Every booking plans its reminder from it: a value that is no number of hours would refuse every booking.
            throw new InvalidOperationException($"Forward:Notifications:ReminderLeadHours must be a number of hours from {NotificationOptions.MinReminderLeadHours} to {NotificationOptions.MaxReminderLeadHours} (for example 24), or not set.");
        }

        // Each group of settings says what is wrong with it, checked in turn; the first problem stops the start. The options
        // are resolved here, not at the first slot search or send, so a value that does not bind (a window of "abc") stops
        // the start too, named by the binder, as one out of range does.
        T Settings<T>()
            where T : class => app.Services.GetRequiredService<IOptions<T>>().Value;
        Func<string?>[] checks =
        [
            () => Settings<ConsultationOptions>().Problem(),
            () => Settings<FhirOptions>().Problem(),
            () => Settings<RateLimitOptions>().Problem(),
            () => Settings<BookingPolicy>().Problem(),

            // The test host plans the seeded hubs for two days only, and makes the slots each test books (ForwardFactory).
            () => Settings<SlotOptions>().Problem(Settings<BookingPolicy>(), windowsMustFit: !app.Environment.IsEnvironment("Testing")),
            () => Settings<NotificationOptions>().Problem(),
        ];
        foreach (var check in checks)
        {
            if (check() is { } problem)
            {
                throw new InvalidOperationException(problem);
            }
        }

        // The database is migrated and seeded while the pipeline is built and Kestrel starts, on the other core: start-up
        // to the first page is the longer of the two, not their sum. Requests wait for it (below); /health says so.
        var readiness = app.Services.GetRequiredService<DatabaseReadiness>();
        _ = Task.Run(() => InitialiseInBackgroundAsync(app));

        // First: everything after it (logs, HSTS, rate limits) sees the client's own address and scheme.
        if (TrustedProxies.AreConfigured(app.Configuration))
        {
            app.UseForwardedHeaders();
        }

        app.UseHttpLogging();
        app.UseExceptionHandler("/Error");
        app.UseSecurityHeaders(hsts: IsDeployed(app.Environment));

        // A request that arrives while the database is still being prepared waits for it (a first page asked for during
        // start-up is answered the moment it can be) rather than meeting an empty database; /health answers at once.
        app.Use(async (context, next) =>
        {
            if (!readiness.IsReady && !context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    await readiness.WhenReady.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
                }
                catch (Exception ex) when (ex is TimeoutException || readiness.WhenReady.IsFaulted)
                {
                    context.Response.Headers.RetryAfter = "5";
                    if (FhirErrors.IsFhir(context))
                    {
                        await FhirErrors.Result(new FhirError(StatusCodes.Status503ServiceUnavailable, FhirErrors.InternalServerError, "Forward is starting up: its database is still being prepared. Retry in a few seconds.")).ExecuteAsync(context);
                        return;
                    }

                    await Results.Problem(
                        statusCode: StatusCodes.Status503ServiceUnavailable,
                        title: "Forward is starting up",
                        detail: "The database is still being prepared. Try again in a few seconds.",
                        type: "https://forward.nhs.example/problems/starting-up",
                        extensions: new Dictionary<string, object?> { ["code"] = "starting-up" }).ExecuteAsync(context);
                    return;
                }
            }

            await next(context);
        });
        // Bare error statuses (401, 404, 405 ...) become ProblemDetails for the API and the friendly error page for people.
        app.UseWhen(IsApi, api => api.UseStatusCodePages());
        app.UseFhirStatusCodePages();
        app.UseWhen(context => !IsApi(context) && !FhirErrors.IsFhir(context), pages => pages.UseStatusCodePagesWithReExecute("/Error", "?statusCode={0}"));
        app.UseStaticFiles();
        app.UseRouting();
        app.Use(UnsupportedMediaTypeAnswersAnyone);
        app.UseAuthentication();
        app.UseAuthorization();

        // After authentication, so the record-view limit can count per user; after authorisation too, so requests that
        // are refused anyway (401, 403) do not use up anyone's allowance.
        app.UseRateLimiter();

        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResultStatusCodes = { [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
        }).AllowAnonymous();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        // Scalar's default fonts are fetched from its own host, which the reference's content security policy refuses.
        app.MapScalarApiReference("/scalar", o => o.WithTitle("Forward API").DisableDefaultFonts()).AllowAnonymous();

        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { AuthenticationSchemes = AuthenticationSetup.BearerScheme })
            .AddEndpointFilter<ApiNoStoreFilter>()
            .AddEndpointFilter<ApiScopes.Filter>();
        api.MapTokenApi();
        api.MapHubsApi();
        api.MapComplianceApi();
        api.MapAssuranceApi();
        api.MapBookingApi();
        app.MapFhir();

        app.MapRazorPages();

        // A mistyped or cut-off address under a patient's pages is that patient's "page not found": the site-wide rule
        // (sign in first) would otherwise send them to the staff sign-in page. Real pages are matched before these.
        app.MapFallback("/Consult/{**rest}", () => Results.NotFound()).AllowAnonymous();
        app.MapFallback("/Patient/{**rest}", () => Results.NotFound()).AllowAnonymous();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // A plain line on stdout, not a log entry: the run command promises to print where Forward is.
            Console.WriteLine($"Forward is running at {string.Join(", ", app.Urls)}");
        });
        return Task.CompletedTask;
    }

    /// <summary>
    /// OpenTelemetry traces and metrics: Forward's booking and search (<see cref="ForwardTelemetry"/>) and ASP.NET Core's
    /// requests. Exported over OTLP only when an endpoint is configured (Forward:Telemetry:OtlpEndpoint or the standard
    /// OTEL_EXPORTER_OTLP_ENDPOINT); otherwise collected in-process and dropped.
    /// </summary>
    private static void AddTelemetry(IServiceCollection services, ConfigurationManager configuration)
    {
        var configured = configuration["Forward:Telemetry:OtlpEndpoint"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        Uri? endpoint = null;
        if (configured is not null && !(Uri.TryCreate(configured, UriKind.Absolute, out endpoint) && endpoint.Scheme is "http" or "https"))
        {
            throw new InvalidOperationException($"Forward:Telemetry:OtlpEndpoint (or OTEL_EXPORTER_OTLP_ENDPOINT) must be an http or https URL, not '{configured}'.");
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("forward"))
            .WithTracing(t =>
            {
                t.AddSource(ForwardTelemetry.Name).AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal));
                if (endpoint is { } collector)
                {
                    t.AddOtlpExporter(o => o.Endpoint = SignalEndpoint(collector, o.Protocol, "v1/traces"));
                }
            })
            .WithMetrics(m =>
            {
                m.AddMeter(ForwardTelemetry.Name).AddAspNetCoreInstrumentation();
                if (endpoint is { } collector)
                {
                    m.AddOtlpExporter(o => o.Endpoint = SignalEndpoint(collector, o.Protocol, "v1/metrics"));
                }
            });
    }

    /// <summary>
    /// OTLP over HTTP posts each signal to its own path under the collector's address; the SDK adds that path only to an
    /// endpoint it reads from the environment itself, not to one set in code. gRPC takes the address as it is.
    /// </summary>
    private static Uri SignalEndpoint(Uri collector, OtlpExportProtocol protocol, string signalPath)
    {
        if (protocol != OtlpExportProtocol.HttpProtobuf || collector.AbsolutePath.TrimEnd('/').EndsWith("/" + signalPath, StringComparison.Ordinal))
        {
            return collector;
        }

        return new UriBuilder(collector) { Path = collector.AbsolutePath.TrimEnd('/') + "/" + signalPath }.Uri;
    }

    /// <summary>Neither a developer's machine nor the test host: HSTS, Secure-only sign-in cookies, a public cancel-link address.</summary>
    private static bool IsDeployed(IHostEnvironment environment) => !environment.IsDevelopment() && !environment.IsEnvironment("Testing");

    /// <summary>
    /// Routing answers a body of a type the endpoint does not take with its own 415 endpoint, which carries no metadata,
    /// so the fallback policy would challenge it first: an anonymous client posting its user name and password as a form
    /// heard 401, as if the password were wrong, instead of 415. The 415 endpoint does nothing but answer 415, so anyone
    /// may hear it.
    /// </summary>
    private static Task UnsupportedMediaTypeAnswersAnyone(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint() is { DisplayName: "415 HTTP Unsupported Media Type" } rejection && rejection.Metadata.Count == 0)
        {
            context.SetEndpoint(new Endpoint(rejection.RequestDelegate, new EndpointMetadataCollection(new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute()), rejection.DisplayName));
        }

        return next(context);
    }

    private static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <see cref="InitialiseDataAsync"/> for a running server: if the database cannot be prepared, Forward logs why and
    /// stops with exit code 1 instead of serving pages over a database it could not migrate.
    /// </summary>
    private static async Task InitialiseInBackgroundAsync(WebApplication app)
    {
        try
        {
            await InitialiseDataAsync(app);
        }
        catch (Exception ex)
        {
            app.Services.GetRequiredService<DatabaseReadiness>().MarkFailed(ex);
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Forward.Startup")
                .LogCritical(ex, "Start-up failed: the database could not be migrated and seeded");
            Environment.ExitCode = 1;
            app.Lifetime.StopApplication();
        }
    }

    private static long? mainStarted;

    /// <summary>
    /// Notes when Main began, for the start-up log. Not the process's start time: `./forward.sh run` publishes, then
    /// execs the app in the same process, so that would count the publish too.
    /// </summary>
    public static void MarkMainStarted() => mainStarted ??= System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Migrate, seed reference data and demo users, and plan the slot horizon; then mark the app ready.</summary>
    internal static async Task InitialiseDataAsync(WebApplication app)
    {
        // Each phase's time is logged: start-up has a target (issue 7: first page within 3 s), and this shows where it goes.
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Forward.Startup");
        var sinceMainStarted = mainStarted is { } started ? System.Diagnostics.Stopwatch.GetElapsedTime(started) : TimeSpan.Zero;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan migrated, seeded, users;
        using (var scope = app.Services.CreateScope())
        {
            var sp = scope.ServiceProvider;
            var db = sp.GetRequiredService<ForwardDbContext>();
            await DatabaseInitializer.MigrateAsync(db);
            migrated = clock.Elapsed;
            await DatabaseInitializer.SeedAsync(db, sp.GetRequiredService<ReferenceDataSeeder>());
            seeded = clock.Elapsed;
            await DemoUsers.SeedAsync(db, sp.GetRequiredService<IOptions<DemoOptions>>().Value, sp.GetRequiredService<IPasswordHasher<UserAccount>>(), sp.GetRequiredService<TimeProvider>());
            users = clock.Elapsed;
            await sp.GetRequiredService<SlotPlanner>().RefreshAsync();
        }

        app.Services.GetRequiredService<DatabaseReadiness>().MarkReady();
        if (!log.IsEnabled(LogLevel.Information))
        {
            return;
        }

        log.LogInformation(
            "Start-up: host built {HostMs} ms after Main began; database migrated in {MigrateMs} ms, reference data seeded in {SeedMs} ms, demo users in {UsersMs} ms, slot horizon planned in {SlotsMs} ms",
            (int)sinceMainStarted.TotalMilliseconds,
            (int)migrated.TotalMilliseconds,
            (int)(seeded - migrated).TotalMilliseconds,
            (int)(users - seeded).TotalMilliseconds,
            (int)(clock.Elapsed - users).TotalMilliseconds);
    }
}

/// <summary>API answers carry patient data: never cache them.</summary>
internal sealed class ApiNoStoreFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        return await next(context);
    }
}

/// <summary>Set once the database is migrated and seeded; /health answers 200 only after that.</summary>
public sealed class DatabaseReadiness
{
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => ready.Task.IsCompletedSuccessfully;

    /// <summary>Completes when the database is ready; faults with the reason if preparing it failed.</summary>
    public Task WhenReady => ready.Task;

    public void MarkReady() => ready.TrySetResult();

    public void MarkFailed(Exception reason) => ready.TrySetException(reason);
}

internal sealed class DatabaseHealthCheck(DatabaseReadiness readiness, IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!readiness.IsReady)
        {
            return HealthCheckResult.Unhealthy("Database is still being migrated and seeded.");
        }

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("Database is unreachable.");
    }
}
