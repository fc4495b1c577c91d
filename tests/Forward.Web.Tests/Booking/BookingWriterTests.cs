using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Forward.Data;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Patients;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Booking;
using Forward.Web.Tests.Compliance;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Booking;

/// <summary>
/// Bookings that arrive together are written in one transaction. Each must be decided exactly as if it had been written
/// alone after the ones before it: these tests hand the writer a batch directly, so what shares a batch is certain.
/// </summary>
public sealed class BookingWriterTests(BookingWriterTests.CountingFactory factory) : IClassFixture<BookingWriterTests.CountingFactory>
{
    /// <summary>Counts committed transactions, to tell a batch written together from one that fell back to one by one.</summary>
    public sealed class CommitCounter : DbTransactionInterceptor
    {
        private int committed;

        public int Committed => Volatile.Read(ref committed);

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref committed);
            return Task.CompletedTask;
        }
    }

    public sealed class CountingFactory : InterceptingFactory<CommitCounter>;

    [Fact]
    public async Task Bookings_in_one_batch_see_each_other_and_a_refused_one_leaves_the_rest_booked()
    {
        var world = await TestWorld.CreateAsync(factory);
        var free = await world.FreeSlotsAsync();
        var (first, sameTime, later) = (free[0], free[1], free.First(s => s.StartUtc >= free[0].EndUtc.AddHours(1)));
        Assert.Equal(first.StartUtc, sameTime.StartUtc);
        var staff = PracticeStaff(world);
        var nhs111 = new Actor(world.Nhs111, Roles.Nhs111, null, null, null, "Y111");
        var patient = TestPatients.NewNhsNumber();

        var booked = Pending(staff, first.Id, patient);
        var sameSlot = Pending(staff, first.Id, TestPatients.NewNhsNumber());
        var overlapping = Pending(staff, sameTime.Id, patient);
        var laterForSamePatient = Pending(staff, later.Id, patient);
        var unknownPractice = Pending(nhs111, free[2].Id, TestPatients.NewNhsNumber(), ods: "NOSUCH1");
        var noSuchSlot = Pending(staff, -5, TestPatients.NewNhsNumber());
        var sameEveningSlot = free.First(s => s.StartUtc > sameTime.EndUtc && s.Id != later.Id && London.DateOf(s.StartUtc) == London.DateOf(first.StartUtc));
        var sameEvening = Pending(staff, sameEveningSlot.Id, TestPatients.NewNhsNumber());

        var commitsBefore = factory.Interceptor.Committed;
        await CommitAsync([booked, sameSlot, overlapping, laterForSamePatient, unknownPractice, noSuchSlot, sameEvening]);

        // Decided within the batch, in one transaction: the database did not have to refuse anything.
        Assert.Equal(commitsBefore + 1, factory.Interceptor.Committed);

        var bookedId = (await booked.Outcome).Id;
        var laterId = (await laterForSamePatient.Outcome).Id;
        var sameEveningId = (await sameEvening.Outcome).Id;
        Assert.Equal("slot-not-free", (await Assert.ThrowsAsync<DomainException>(() => sameSlot.Outcome)).Code);
        Assert.Equal("overlapping-appointment", (await Assert.ThrowsAsync<DomainException>(() => overlapping.Outcome)).Code);
        Assert.Contains("RegisteredPracticeOds", (await Assert.ThrowsAsync<ValidationFailedException>(() => unknownPractice.Outcome)).Errors.Keys);
        var noSlot = await Assert.ThrowsAsync<ValidationFailedException>(() => noSuchSlot.Outcome);
        Assert.Equal(("slot-not-found", "SlotIds"), (noSlot.Code, Assert.Single(noSlot.Errors.Keys)));

        await world.WithDbAsync(async db =>
        {
            // One patient row for the NHS number booked twice in the batch; both appointments are theirs.
            var patients = await db.Patients.Where(p => p.NhsNumber == patient).Select(p => p.Id).ToListAsync();
            var patientId = Assert.Single(patients);
            var appointments = await db.Appointments.Where(a => a.HubId == world.HubId).OrderBy(a => a.Id).Select(a => new { a.Id, a.PatientId }).ToListAsync();
            Assert.Equal([bookedId, laterId, sameEveningId], appointments.Select(a => a.Id));
            Assert.Equal(patientId, appointments[0].PatientId);
            Assert.Equal(patientId, appointments[1].PatientId);

            // Nothing of the refused bookings was written: no patient for the others' NHS numbers, and only the two
            // booked slots changed.
            Assert.Equal(2, await db.Patients.CountAsync(p => p.RegisteredPracticeId == world.PracticeA.Id || p.RegisteredPracticeId == world.PracticeB.Id));
            var bookedSlots = await db.Slots.Where(s => s.SessionId == world.SessionId && s.Status == SlotStatus.Booked).Select(s => s.Id).OrderBy(id => id).ToListAsync();
            Assert.Equal(new[] { first.Id, later.Id, sameEveningSlot.Id }.Order(), bookedSlots);

            // Each booking keeps its own request's trace in the audit trail, and its own messages.
            var audit = await db.AuditEvents.Where(e => e.Action == AuditActions.Book && (e.EntityId == bookedId.ToString() || e.EntityId == laterId.ToString()))
                .OrderBy(e => e.Id).Select(e => e.TraceId).ToListAsync();
            Assert.Equal([booked.TraceId, laterForSamePatient.TraceId], audit);
            Assert.Equal(2, await db.OutboxMessages.Where(m => m.AppointmentId == bookedId || m.AppointmentId == laterId).Select(m => m.AppointmentId).Distinct().CountAsync());
        });

        // Each booker is shown its appointment as the writer has it in memory: exactly what reading it back gives.
        foreach (var shown in new[] { await booked.Outcome, await laterForSamePatient.Outcome, await sameEvening.Outcome })
        {
            var readBack = await world.WithDbAsync(db => AppointmentViews.LoadAsync(db, [shown.Id], CancellationToken.None));
            Assert.Equal(JsonSerializer.Serialize(Assert.Single(readBack)), JsonSerializer.Serialize(shown));
        }

        // Bookings of one evening in one batch: their day summary row holds them all.
        var (_, stored) = await ComplianceDaySummaryTests.StoredAsync(world);
        var (_, expected) = await ComplianceDaySummaryTests.FromRowsAsync(world);
        Assert.Contains(expected, d => d.Date == London.DateOf(first.StartUtc) && d.Parts.Held >= 2);
        Assert.Equal(expected.Select(ComplianceDaySummaryTests.Describe), stored.Select(ComplianceDaySummaryTests.Describe));
    }

    [Fact]
    public async Task When_the_database_refuses_a_batch_each_booking_is_tried_alone_and_only_the_loser_is_refused()
    {
        var world = await TestWorld.CreateAsync(factory);
        var free = await world.FreeSlotsAsync();
        var staff = PracticeStaff(world);
        var taken = Pending(staff, free[0].Id, TestPatients.NewNhsNumber());
        await CommitAsync([taken]);
        await taken.Outcome;

        // As another server would leave it: the slot still reads as free, but an active hold on it is already committed,
        // so only the unique index on active holds stops a second booking.
        await world.WithDbAsync(db => db.Slots.Where(s => s.Id == free[0].Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SlotStatus.Free)));

        var loser = Pending(staff, free[0].Id, TestPatients.NewNhsNumber());
        var winner = Pending(staff, free[2].Id, TestPatients.NewNhsNumber());
        var commitsBefore = factory.Interceptor.Committed;
        await CommitAsync([loser, winner]);
        Assert.Equal(commitsBefore + 1, factory.Interceptor.Committed); // the batch rolled back; the winner alone committed

        var refusal = await Assert.ThrowsAsync<DbUpdateException>(() => loser.Outcome);
        Assert.True(DbErrors.IsUniqueViolation(refusal));
        var winnerId = (await winner.Outcome).Id;
        var holds = await world.WithDbAsync(db => db.AppointmentSlots.Where(h => h.IsActive && (h.SlotId == free[0].Id || h.SlotId == free[2].Id))
            .Select(h => new { h.SlotId, h.AppointmentId }).ToListAsync());
        Assert.Equal(2, holds.Count);
        Assert.Contains(holds, h => h.SlotId == free[2].Id && h.AppointmentId == winnerId);
        Assert.Equal((await taken.Outcome).Id, holds.Single(h => h.SlotId == free[0].Id).AppointmentId);
    }

    [Fact]
    public async Task Two_writers_at_once_cannot_both_book_one_patient_into_overlapping_slots()
    {
        // As two servers would: two writers, each in its own transaction, booking one known patient into two slots at
        // the same time. The first is held inside its transaction, its appointment written but not committed, while the
        // second starts, so the second cannot simply come after it. Only the lock on the patient row (PostgreSQL;
        // SQLite has one writer) makes the second wait and then see the first's appointment.
        var world = await TestWorld.CreateAsync(factory);
        var staff = PracticeStaff(world);
        var free = await world.FreeSlotsAsync();
        var patient = TestPatients.NewNhsNumber();
        var register = Pending(staff, free[0].Id, patient);
        await CommitAsync([register]);
        await register.Outcome;
        var pairs = free.Where(s => s.StartUtc >= free[0].EndUtc).GroupBy(s => s.StartUtc).Where(g => g.Count() >= 2).Take(3).Select(g => g.Take(2).ToList()).ToList();
        Assert.Equal(3, pairs.Count);

        foreach (var pair in pairs)
        {
            var inTransaction = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = Pending(staff, pair[0].Id, patient, alsoInTransaction: async (_, _) =>
            {
                inTransaction.TrySetResult();
                await release.Task;
            });
            var firstWrite = Task.Run(() => CommitAsync([first]));
            var second = Pending(staff, pair[1].Id, patient);
            Task? secondWrite = null;
            try
            {
                await Task.WhenAny(inTransaction.Task, firstWrite).WaitAsync(TimeSpan.FromSeconds(30));
                Assert.True(inTransaction.Task.IsCompleted, "the first writer ended without reaching its transaction");
                secondWrite = Task.Run(() => CommitAsync([second]));
                await world.UntilWaitingOrDoneAsync(secondWrite, sqliteGrace: TimeSpan.FromMilliseconds(500));
            }
            finally
            {
                // Whatever failed above, the first writer must not keep its transaction (and SQLite's write turn) open
                // for the tests after this one.
                release.TrySetResult();
            }

            await Task.WhenAll(firstWrite, secondWrite);

            await first.Outcome;
            var refused = await Assert.ThrowsAsync<DomainException>(() => second.Outcome);
            Assert.Equal("overlapping-appointment", refused.Code);
        }
    }

    [Fact]
    public async Task Bookings_queued_together_through_the_batcher_are_all_decided()
    {
        var world = await TestWorld.CreateAsync(factory);
        var free = (await world.FreeSlotsAsync()).Take(12).ToList();
        var staff = PracticeStaff(world);
        var batcher = factory.Services.GetRequiredService<BookingBatcher>();

        // Twelve distinct slots and their twelve rivals, queued at once: exactly one booking per slot.
        var bookings = free.SelectMany(s => new[] { Pending(staff, s.Id, TestPatients.NewNhsNumber()), Pending(staff, s.Id, TestPatients.NewNhsNumber()) }).ToList();
        var outcomes = await Task.WhenAll(bookings.Select(async b =>
        {
            try
            {
                return (await batcher.BookAsync(b)).Id;
            }
            catch (DomainException e) when (e.Code == "slot-not-free")
            {
                return 0;
            }
        }));

        Assert.Equal(12, outcomes.Count(id => id > 0));
        var holds = await world.WithDbAsync(db => db.AppointmentSlots.CountAsync(h => h.IsActive && free.Select(s => s.Id).Contains(h.SlotId)));
        Assert.Equal(12, holds);
    }

    private static Actor PracticeStaff(TestWorld world) =>
        new(world.PracticeStaffA, Roles.PracticeStaff, world.PracticeA.Id, null, null, world.PracticeA.OdsCode);

    private PendingBooking Pending(Actor actor, long slotId, string nhsNumber, string? ods = null, Func<Appointment, CancellationToken, Task>? alsoInTransaction = null) =>
        new(
            new BookingRequest([slotId], new PatientDetails(nhsNumber, "Alex", "Testperson", new DateOnly(1980, 5, 17), "07700 900123"), ods, "Cough", RecordSharingConsent.Granted),
            actor,
            nhsNumber,
            factory.Clock.GetUtcNow().UtcDateTime.AddTicks(3), // finer than PostgreSQL keeps: what the booker is shown must still match
            new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded),
            alsoInTransaction,
            CancellationToken.None);

    private async Task CommitAsync(IReadOnlyList<PendingBooking> batch)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<BookingWriter>().CommitAsync(batch, CancellationToken.None);
        Assert.All(batch, b => Assert.True(b.IsDecided));
    }
}
