using Forward.Domain.Calendar;
using Microsoft.EntityFrameworkCore;

namespace Forward.Data.Seeding;

/// <summary>
/// Seeds the reference data every deployment needs: bank holidays, organisations, hubs and their rotas (from
/// <see cref="SeedCatalogue"/>), and synthetic demo patients. Each part is written only when its table is empty, so running
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
        if (!seedOrganisations && !seedPatients)
        {
            return;
        }

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
