using Forward.Domain.Calendar;
using Forward.Domain.Navigation;
using Microsoft.EntityFrameworkCore;

namespace Forward.Data.Seeding;

/// <summary>
/// Seeds the reference data every deployment needs: bank holidays, organisations, hubs and their rotas (from
/// <see cref="SeedCatalogue"/>), synthetic demo patients, the care-navigation directory and practices' online settings. Each part is written only when its table is empty, so running
/// the seeder again changes nothing. Slots are not seeded: they are generated from the rotas.
/// </summary>
public class ReferenceDataSeeder
{
    /// <summary>Whether to add the synthetic demo patients (<see cref="DemoPatients"/>) to an empty patient table.</summary>
    public bool IncludeDemoPatients { get; init; } = true;

    public virtual async Task SeedAsync(ForwardDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!await db.BankHolidays.AnyAsync(cancellationToken))
        {
            db.BankHolidays.AddRange(BankHolidayCalendar.England.All.Select(h => new BankHoliday { Date = h.Key, Name = h.Value }));
            await db.SaveChangesAsync(cancellationToken);
        }

        var seedOrganisations = !await db.CareSystems.AnyAsync(cancellationToken);
        var seedPatients = IncludeDemoPatients && !await db.Patients.AnyAsync(cancellationToken);
        if (seedOrganisations || seedPatients)
        {
            await SeedOrganisationsAndPatientsAsync(db, seedOrganisations, seedPatients, cancellationToken);
        }

        await SeedNavigationAsync(db, cancellationToken);
    }

    /// <summary>
    /// The care-navigation directory and every practice's online consultation settings (<see cref="NavigationCatalogue"/>),
    /// each when its table is empty: a database seeded before these tables existed gets them on its next start.
    /// </summary>
    private static async Task SeedNavigationAsync(ForwardDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.LocalServices.AnyAsync(cancellationToken))
        {
            var ccgIds = await db.Ccgs.AsNoTracking().ToDictionaryAsync(c => c.OdsCode, c => c.Id, StringComparer.Ordinal, cancellationToken);
            var odsByKey = SeedCatalogue.Ccgs.ToDictionary(c => c.Key, c => c.OdsCode, StringComparer.Ordinal);
            foreach (var s in NavigationCatalogue.All())
            {
                if (odsByKey.TryGetValue(s.CcgKey, out var ods) && ccgIds.TryGetValue(ods, out var ccgId))
                {
                    db.LocalServices.Add(new LocalService
                    {
                        Code = s.Code,
                        CcgId = ccgId,
                        Category = s.Category,
                        Name = s.Name,
                        WhoFor = s.WhoFor,
                        HowToRefer = s.HowToRefer,
                        Hours = s.Hours,
                        Phone = s.Phone,
                        Website = s.Website,
                        Keywords = s.Keywords,
                        Source = s.Source,
                        IsSynthetic = s.IsSynthetic,
                    });
                }
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        if (!await db.PracticeOnlineSettings.AnyAsync(cancellationToken))
        {
            var practices = await db.Practices.AsNoTracking().ToListAsync(cancellationToken);
            db.PracticeOnlineSettings.AddRange(practices.Select(NavigationCatalogue.SettingsFor));
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static async Task SeedOrganisationsAndPatientsAsync(ForwardDbContext db, bool seedOrganisations, bool seedPatients, CancellationToken cancellationToken)
    {

        var data = ReferenceDataBuilder.Build();
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            if (seedOrganisations)
            {
                // Whole graphs in a couple of round trips: care systems carry their CCGs, networks and practices; hubs carry
                // their sessions and practice links (which point at the practices already tracked).
                db.CareSystems.AddRange(data.CareSystems);
                await db.SaveChangesAsync(cancellationToken);
                db.Hubs.AddRange(data.Hubs);
                await db.SaveChangesAsync(cancellationToken);
            }

            if (seedPatients)
            {
                var practiceIds = await db.Practices.AsNoTracking().ToDictionaryAsync(p => p.OdsCode, p => p.Id, StringComparer.Ordinal, cancellationToken);
                foreach (var patient in data.Patients)
                {
                    // Link by ODS code so this works whether the practices were added just now or on an earlier run.
                    if (practiceIds.TryGetValue(patient.RegisteredPractice!.OdsCode, out var practiceId))
                    {
                        patient.RegisteredPractice = null;
                        patient.RegisteredPracticeId = practiceId;
                        db.Patients.Add(patient);
                    }
                }

                await db.SaveChangesAsync(cancellationToken);
            }
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }
}
