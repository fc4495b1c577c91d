using Forward.Domain.Calendar;
using Microsoft.EntityFrameworkCore;

namespace Forward.Data.Seeding;

/// <summary>Seeds the reference data every deployment needs: bank holidays, organisations, hubs and their rotas.</summary>
public class ReferenceDataSeeder
{
    public virtual async Task SeedAsync(ForwardDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!await db.BankHolidays.AnyAsync(cancellationToken))
        {
            db.BankHolidays.AddRange(BankHolidayCalendar.England.All.Select(h => new BankHoliday { Date = h.Key, Name = h.Value }));
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
