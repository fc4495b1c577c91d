using Forward.Data;
using Forward.Data.Seeding;
using Forward.Domain.Access;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Pages;

/// <summary>
/// Audit events written before they carried a practice and a CCG were shown to every commissioner when they named no
/// hub. Bringing a log up to date must give each the scope it would have had, change nothing else, and leave the log
/// append-only.
/// </summary>
public sealed class AuditScopeUpgradeTests : IDisposable
{
    private readonly TestDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public async Task Migrating_gives_events_the_practice_they_concern_and_the_acting_users_ccg()
    {
        int hub, hubCcg, practice, practiceCcg, patient, commissionerCcg;
        string practiceOds;
        await using (var db = database.OpenContext())
        {
            await db.Database.MigrateAsync();
            await new ReferenceDataSeeder().SeedAsync(db);

            // The organisations, patient and users through today's model, before the schema goes back: entities read
            // or written through it after that would name columns added since.
            var aHub = await db.Hubs.OrderBy(h => h.Id).FirstAsync();
            (hub, hubCcg) = (aHub.Id, aHub.CcgId);
            var aPractice = await db.Practices.Include(p => p.Network).OrderByDescending(p => p.Id).FirstAsync();
            (practice, practiceCcg, practiceOds) = (aPractice.Id, aPractice.Network!.CcgId, aPractice.OdsCode);
            commissionerCcg = await db.Ccgs.Where(c => c.Id != hubCcg).Select(c => c.Id).FirstAsync();
            patient = await db.Patients.Where(p => p.RegisteredPracticeId == practice).Select(p => p.Id).FirstOrDefaultAsync();
            if (patient == 0)
            {
                var added = new Forward.Domain.Patients.Patient { NhsNumber = TestPatients.NewNhsNumber(), GivenName = "Up", FamilyName = "Grade", DateOfBirth = new DateOnly(1970, 1, 1), RegisteredPracticeId = practice };
                db.Patients.Add(added);
                await db.SaveChangesAsync();
                patient = added.Id;
            }

            db.Users.AddRange(
                new UserAccount { UserName = "up-practice", DisplayName = "p", Role = Roles.PracticeStaff, PracticeId = practice, PasswordHash = string.Empty },
                new UserAccount { UserName = "up-hub", DisplayName = "h", Role = Roles.HubClinician, HubId = hub, PasswordHash = string.Empty },
                new UserAccount { UserName = "up-commissioner", DisplayName = "c", Role = Roles.Commissioner, CcgId = commissionerCcg, PasswordHash = string.Empty },
                new UserAccount { UserName = "up-111", DisplayName = "n", Role = Roles.Nhs111, PasswordHash = string.Empty });
            await db.SaveChangesAsync();

            // The rows as the old code wrote them, in the old schema.
            await TestDatabase.MigrateToJustBeforeAsync(db, "AuditEventScope");
            (string Actor, string Action, string? EntityType, string? EntityId, int? PatientId, int? HubId, string? Detail)[] rows =
            [
                ("up-hub", "record.view", "Appointment", "1", patient, hub, null),
                ("online-consultation-form", "consultation.submit", "ConsultationRequest", "1", patient, null, "Reference X"),
                ("up-practice", "consultation.queue", "Practice", practice.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null, "status=New; rows=0"),
                ("up-commissioner", "navigator-training.add", "NavigatorTraining", null, null, null, "practice " + practiceOds),
                ("up-practice", "account.sign-in", null, null, null, null, null),
                ("up-hub", "account.sign-in", null, null, null, null, null),
                ("up-commissioner", "account.sign-in", null, null, null, null, null),
                ("up-111", "account.sign-in", null, null, null, null, null),
                ("someone-unknown", "fhir.metadata", null, null, null, null, null),
            ];
            foreach (var r in rows)
            {
                await db.Database.ExecuteSqlRawAsync(
                    "INSERT INTO \"AuditEvents\" (\"OccurredUtc\", \"Actor\", \"ActorRole\", \"Action\", \"EntityType\", \"EntityId\", \"PatientId\", \"HubId\", \"Outcome\", \"Detail\") VALUES ({0}, {1}, 'x', {2}, {3}, {4}, {5}, {6}, 'success', {7})",
                    new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc), r.Actor, r.Action, r.EntityType!, r.EntityId!, r.PatientId!, r.HubId!, r.Detail!);
            }
        }

        await using (var db = database.OpenContext())
        {
            await DatabaseInitializer.MigrateAsync(db);

            var events = await db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
            Assert.Equal(9, events.Count);
            Assert.Equal(
                [
                    (hub, null, hubCcg), // every event: the acting user's CCG, through their hub, practice or account
                    (null, practice, null), // the public form's user belongs to no CCG
                    (null, practice, practiceCcg),
                    (null, practice, commissionerCcg),
                    (null, null, practiceCcg),
                    (null, null, hubCcg),
                    (null, null, commissionerCcg),
                    (null, null, null), // NHS 111 belongs to no CCG
                    (null, null, null),
                ],
                events.Select(e => (e.HubId, e.PracticeId, e.CcgId)));
            Assert.Equal(patient, events[1].PatientId);
            Assert.Equal("status=New; rows=0", events[2].Detail);

            // Still append-only.
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEvents\" SET \"CcgId\" = 1"));
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditEvents\""));
        }
    }
}
