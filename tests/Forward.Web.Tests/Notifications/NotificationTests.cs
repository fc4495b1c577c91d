using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Notifications;
using Forward.Domain.Time;
using Forward.Web.Notifications;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Notifications;

public sealed class NotificationTests(NotificationsFactory factory) : IClassFixture<NotificationsFactory>
{
    private const string Phone = "07700 900123";

    private OutboxDispatcher Dispatcher => factory.Services.GetRequiredService<OutboxDispatcher>();

    private FileNotificationSender FileSender => factory.Services.GetRequiredService<FileNotificationSender>();

    private DateTime Now => factory.Clock.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task Booking_through_the_api_queues_an_sms_confirmation_now_and_a_reminder_24_hours_before()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs = TestPatients.NewNhsNumber();
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];

        var id = await BookAsync(world, slot.Id, nhs);

        var messages = await OutboxAsync(world, id);
        Assert.Equal(2, messages.Count);
        var confirmation = Assert.Single(messages, m => m.Kind == NotificationKind.BookingConfirmation);
        var reminder = Assert.Single(messages, m => m.Kind == NotificationKind.Reminder);
        Assert.All(messages, m =>
        {
            Assert.Equal(NotificationChannel.Sms, m.Channel);
            Assert.Equal("07700900123", m.Recipient);
            Assert.Equal(OutboxStatus.Pending, m.Status);
            Assert.Equal($"{id}:{m.Kind}:Sms", m.IdempotencyKey);
            Assert.DoesNotContain("Testperson", m.Personalisation, StringComparison.Ordinal);
            Assert.DoesNotContain("Alex", m.Personalisation, StringComparison.Ordinal);
            Assert.DoesNotContain(nhs, m.Personalisation, StringComparison.Ordinal);
            Assert.DoesNotContain("Cough", m.Personalisation, StringComparison.Ordinal);
        });
        Assert.Equal(Now, confirmation.DueUtc);
        Assert.Equal(slot.StartUtc.AddHours(-24), reminder.DueUtc);
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(confirmation.Personalisation)!;
        Assert.StartsWith($"Test Hub ", values["hub_name"], StringComparison.Ordinal);
        Assert.Equal(Wording(slot.StartUtc), values["appointment_time"]);
        Assert.Contains("/Patient/Cancel?token=", values["cancel_url"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_booking_less_than_24_hours_ahead_gets_a_confirmation_but_no_reminder()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync())[0];
        Assert.True(slot.StartUtc < Now.AddHours(24));

        var id = await BookAsync(world, slot.Id);

        var message = Assert.Single(await OutboxAsync(world, id));
        Assert.Equal(NotificationKind.BookingConfirmation, message.Kind);
    }

    [Fact]
    public async Task A_booking_that_fails_writes_no_messages()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        await BookAsync(world, slot.Id);
        var before = await world.WithDbAsync(db => db.OutboxMessages.CountAsync());

        var client = await world.ClientAsync(world.Nhs111);
        var refused = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeA.OdsCode));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(before, await world.WithDbAsync(db => db.OutboxMessages.CountAsync()));
    }

    [Fact]
    public async Task Cancelling_cancels_the_pending_reminder_and_queues_a_cancellation_notice()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id);
        var client = await world.ClientAsync(world.PracticeStaffA);

        var cancel = await client.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason = "Feeling better" });

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var messages = await OutboxAsync(world, id);
        Assert.Equal(OutboxStatus.Cancelled, Assert.Single(messages, m => m.Kind == NotificationKind.Reminder).Status);
        Assert.Equal(OutboxStatus.Pending, Assert.Single(messages, m => m.Kind == NotificationKind.BookingConfirmation).Status);
        var notice = Assert.Single(messages, m => m.Kind == NotificationKind.CancellationNotice);
        Assert.Equal(OutboxStatus.Pending, notice.Status);
        Assert.Equal(Now, notice.DueUtc);
        Assert.Equal($"{id}:CancellationNotice:Sms", notice.IdempotencyKey);
        Assert.False(JsonSerializer.Deserialize<Dictionary<string, string>>(notice.Personalisation)!.ContainsKey("cancel_url"));
    }

    /// <summary>
    /// A landline may be the patient's contact number (the hub can call it), but Notify texts UK mobiles only: nothing
    /// is queued to it, not the confirmation, the reminder or the cancellation notice, while email still goes.
    /// </summary>
    [Fact]
    public async Task A_landline_gets_no_texts_on_booking_or_cancelling_and_email_still_goes()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs = TestPatients.NewNhsNumber();
        await world.WithDbAsync(async db =>
        {
            db.Patients.Add(new Domain.Patients.Patient { NhsNumber = nhs, GivenName = "Alex", FamilyName = "Testperson", DateOfBirth = new DateOnly(1980, 5, 17), Phone = null, Email = "alex.landline@example.com", RegisteredPracticeId = world.PracticeA.Id });
            return await db.SaveChangesAsync();
        });
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];

        var id = await BookAsync(world, slot.Id, nhs, phone: "01632 960001");

        var booked = await OutboxAsync(world, id);
        Assert.DoesNotContain(booked, m => m.Channel == NotificationChannel.Sms);
        Assert.Equal(new[] { NotificationKind.BookingConfirmation, NotificationKind.Reminder }, booked.Select(m => m.Kind).Order());
        Assert.All(booked, m => Assert.Equal("alex.landline@example.com", m.Recipient));
        Assert.Equal("01632 960001", await world.WithDbAsync(db => db.Patients.Where(p => p.NhsNumber == nhs).Select(p => p.Phone).SingleAsync()));

        var client = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason = "Feeling better" })).StatusCode);

        var after = await OutboxAsync(world, id);
        Assert.DoesNotContain(after, m => m.Channel == NotificationChannel.Sms);
        Assert.Equal(NotificationChannel.Email, Assert.Single(after, m => m.Kind == NotificationKind.CancellationNotice).Channel);
    }

    [Fact]
    public async Task A_mobile_given_the_international_way_is_texted_in_its_uk_form_and_kept_as_given()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs = TestPatients.NewNhsNumber();
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];

        var id = await BookAsync(world, slot.Id, nhs, phone: "+44 (0)7700 900123");

        var messages = await OutboxAsync(world, id);
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal((NotificationChannel.Sms, "07700900123"), (m.Channel, m.Recipient)));
        Assert.Equal("+44 (0)7700 900123", await world.WithDbAsync(db => db.Patients.Where(p => p.NhsNumber == nhs).Select(p => p.Phone).SingleAsync()));
    }

    [Fact]
    public async Task A_new_number_given_at_booking_readdresses_the_patients_waiting_texts_and_a_landline_withdraws_them()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs = TestPatients.NewNhsNumber();
        var first = await BookAsync(world, (await world.FreeSlotsAsync(Now.AddDays(2)))[0].Id, nhs, phone: "07700 900111");
        Task<OutboxMessage> FirstReminderAsync() => world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AppointmentId == first && m.Kind == NotificationKind.Reminder && m.Channel == NotificationChannel.Sms));
        Assert.Equal("07700900111", (await FirstReminderAsync()).Recipient);

        // The old number may be given up and passed on: its reminder would carry a working cancel link (old code: kept).
        var second = await BookAsync(world, (await world.FreeSlotsAsync(Now.AddDays(3)))[0].Id, nhs, phone: "07700 900222");
        Assert.Equal("07700900222", (await FirstReminderAsync()).Recipient);
        Assert.Equal(OutboxStatus.Pending, (await FirstReminderAsync()).Status);

        await BookAsync(world, (await world.FreeSlotsAsync(Now.AddDays(4)))[0].Id, nhs, phone: "01632 960001");
        var withdrawn = await FirstReminderAsync();
        Assert.Equal((OutboxStatus.Cancelled, "patient-phone-changed"), (withdrawn.Status, withdrawn.LastError));
        Assert.Equal(OutboxStatus.Cancelled, (await OutboxAsync(world, second)).Single(m => m.Channel == NotificationChannel.Sms && m.Kind == NotificationKind.Reminder).Status);

        // A mobile again puts the withdrawn reminders back, to it (old code: they stayed withdrawn).
        await BookAsync(world, (await world.FreeSlotsAsync(Now.AddDays(5)))[0].Id, nhs, phone: "07700 900333");
        var restored = await FirstReminderAsync();
        Assert.Equal((OutboxStatus.Pending, "07700900333", null), (restored.Status, restored.Recipient, restored.LastError));
        Assert.Equal("07700900333", (await OutboxAsync(world, second)).Single(m => m.Channel == NotificationChannel.Sms && m.Kind == NotificationKind.Reminder && m.Status == OutboxStatus.Pending).Recipient);
    }

    /// <summary>A confirmation not sent by the appointment's start (the sender was down) is dropped, not sent late.</summary>
    [Fact]
    public async Task A_confirmation_still_waiting_at_the_start_is_dropped_not_sent_late()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddHours(2)))[0];
        var id = await BookAsync(world, slot.Id);

        using (factory.Clock.TravelTo(slot.StartUtc.AddMinutes(1)))
        {
            await Dispatcher.DispatchDueAsync();
        }

        var confirmation = Assert.Single(await OutboxAsync(world, id), m => m.Kind == NotificationKind.BookingConfirmation);
        Assert.Equal((OutboxStatus.Cancelled, "appointment-started"), (confirmation.Status, confirmation.LastError)); // old code: sent
    }

    [Fact]
    public async Task A_mobile_given_after_a_landline_plans_the_reminders_the_patient_never_had_and_none_too_late_or_for_cancelled_appointments()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs = TestPatients.NewNhsNumber();
        var later = await BookAsync(world, (await world.FreeSlotsAsync(Now.AddDays(3)))[0].Id, nhs, phone: "01632 960001");
        var cancelled = await BookAsync(world, (await world.FreeSlotsAsync(Now.AddDays(4)))[0].Id, nhs, phone: "01632 960001");
        var tonight = await BookAsync(world, (await world.FreeSlotsAsync(Now.AddHours(10)))[0].Id, nhs, phone: "01632 960001");
        var client = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/appointments/{cancelled}/cancel", new { reason = "Feeling better" })).StatusCode);
        Assert.DoesNotContain(await OutboxAsync(world, later), m => m.Channel == NotificationChannel.Sms);

        await BookAsync(world, (await world.FreeSlotsAsync(Now.AddDays(5)))[0].Id, nhs, phone: "07700 900444");

        // Old code: no text about the appointment booked with the landline.
        var reminder = Assert.Single(await OutboxAsync(world, later), m => m.Channel == NotificationChannel.Sms);
        var start = await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == later).Select(a => a.StartUtc).SingleAsync());
        Assert.Equal((NotificationKind.Reminder, OutboxStatus.Pending, "07700900444", start - NotificationRules.DefaultReminderLead), (reminder.Kind, reminder.Status, reminder.Recipient, reminder.DueUtc));
        Assert.Equal($"{later}:Reminder:Sms", reminder.IdempotencyKey);
        Assert.Contains("cancel_url", JsonSerializer.Deserialize<Dictionary<string, string>>(reminder.Personalisation)!.Keys);
        Assert.DoesNotContain(await OutboxAsync(world, cancelled), m => m.Channel == NotificationChannel.Sms);
        Assert.DoesNotContain(await OutboxAsync(world, tonight), m => m.Channel == NotificationChannel.Sms);
    }

    /// <summary>
    /// The appointment is cancelled while the provider already has its reminder and the dispatcher has not yet recorded
    /// it: the cancellation goes through (with its notice), and the reminder is recorded as sent, because it was.
    /// </summary>
    [Fact]
    public async Task A_reminder_sent_while_its_appointment_is_cancelled_is_recorded_as_sent()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id);
        await Dispatcher.DispatchDueAsync(); // the confirmation
        var reminder = Assert.Single(await OutboxAsync(world, id), m => m.Kind == NotificationKind.Reminder);
        var hold = (Reached: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), Open: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        factory.Faults.HoldAfterSending[reminder.IdempotencyKey] = hold;

        using (factory.Clock.TravelTo(slot.StartUtc.AddHours(-24)))
        {
            var dispatching = Task.Run(() => Dispatcher.DispatchDueAsync());
            await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

            var client = await world.ClientAsync(world.PracticeStaffA);
            var cancel = await client.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason = "Feeling better" });
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);

            hold.Open.SetResult();
            await dispatching.WaitAsync(TimeSpan.FromSeconds(30));
        }

        var messages = await OutboxAsync(world, id);
        Assert.Equal(OutboxStatus.Sent, Assert.Single(messages, m => m.Kind == NotificationKind.Reminder).Status);
        Assert.Single(await SentAsync(reminder.IdempotencyKey));
        Assert.Contains(messages, m => m.Kind == NotificationKind.CancellationNotice);
        Assert.Equal("Cancelled", await StatusAsync(world, id));
    }

    [Fact]
    public async Task The_dispatcher_sends_due_messages_once_and_the_reminder_only_when_it_is_due()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id);

        await Dispatcher.DispatchDueAsync();
        await Dispatcher.DispatchDueAsync();

        var messages = await OutboxAsync(world, id);
        var confirmation = Assert.Single(messages, m => m.Kind == NotificationKind.BookingConfirmation);
        Assert.Equal(OutboxStatus.Sent, confirmation.Status);
        Assert.Equal(Now, confirmation.SentUtc);
        Assert.Equal(1, confirmation.Attempts);
        var line = Assert.Single(await SentAsync(confirmation.IdempotencyKey));
        Assert.Equal(confirmation.ProviderReference, line.Id);
        Assert.Equal("sms", line.Channel);
        Assert.Equal(confirmation.TemplateId, line.TemplateId);
        Assert.Equal(OutboxStatus.Pending, Assert.Single(messages, m => m.Kind == NotificationKind.Reminder).Status);

        using (factory.Clock.TravelTo(slot.StartUtc.AddHours(-24)))
        {
            await Dispatcher.DispatchDueAsync();
            await Dispatcher.DispatchDueAsync();
        }

        var reminder = Assert.Single(await OutboxAsync(world, id), m => m.Kind == NotificationKind.Reminder);
        Assert.Equal(OutboxStatus.Sent, reminder.Status);
        Assert.Single(await SentAsync(reminder.IdempotencyKey));

        // The hub's reminders began with this appointment: the dashboard's before-and-after rate splits there.
        Assert.Equal(slot.StartUtc, await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).Select(h => h.RemindersSinceUtc).SingleAsync()));
    }

    [Fact]
    public async Task A_reminder_that_falls_due_late_at_night_waits_for_the_morning()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2))).First(s => London.ToLocal(s.StartUtc).Hour >= 12);
        var id = await BookAsync(world, slot.Id);
        var day = DateOnly.FromDateTime(London.ToLocal(slot.StartUtc));

        // Nothing ran at 24 hours before (the app was down); it comes back at 23:30 the night before. Old code sent the
        // reminder there and then.
        using (factory.Clock.TravelTo(London.ToUtc(day.AddDays(-1), new TimeOnly(23, 30))!.Value))
        {
            await Dispatcher.DispatchDueAsync();
        }

        var waiting = Assert.Single(await OutboxAsync(world, id), m => m.Kind == NotificationKind.Reminder);
        Assert.Equal((OutboxStatus.Pending, London.ToUtc(day, new TimeOnly(8, 0))!.Value, "night"), (waiting.Status, waiting.DueUtc, waiting.LastError));
        Assert.Empty(await SentAsync(waiting.IdempotencyKey));

        using (factory.Clock.TravelTo(London.ToUtc(day, new TimeOnly(8, 0))!.Value))
        {
            await Dispatcher.DispatchDueAsync();
        }

        var sent = Assert.Single(await OutboxAsync(world, id), m => m.Kind == NotificationKind.Reminder);
        Assert.Equal(OutboxStatus.Sent, sent.Status);
        Assert.Equal(1, sent.Attempts); // the night's wait was not an attempt
        Assert.Single(await SentAsync(sent.IdempotencyKey));
    }

    /// <summary>
    /// PostgreSQL: a cancellation takes its hub, then withdraws the appointment's reminders. Marking a reminder sent
    /// (which may move the hub's "reminders since") must take the hub before the message too: the other way round, the
    /// dispatcher would hold the message while waiting for the hub, the cancellation the hub while waiting for the
    /// message, and one of them would be killed as a deadlock.
    /// </summary>
    [Fact]
    public async Task A_reminder_is_marked_sent_with_its_hub_taken_before_the_message_as_a_cancellation_takes_them()
    {
        if (!factory.Database.IsPostgres)
        {
            return;
        }

        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id);
        await Dispatcher.DispatchDueAsync(); // the confirmation
        var reminder = Assert.Single(await OutboxAsync(world, id), m => m.Kind == NotificationKind.Reminder);

        // A cancellation at the hub has taken it, as it does first.
        await using var cancelling = factory.Database.OpenContext();
        await using var cancellation = await cancelling.Database.BeginTransactionAsync();
        await Forward.Data.Compliance.ComplianceDayStore.LockHubsAsync(cancelling, [world.HubId], CancellationToken.None);

        using (factory.Clock.TravelTo(slot.StartUtc.AddHours(-24)))
        {
            var dispatching = Dispatcher.DispatchDueAsync();
            await world.UntilWaitingOrDoneAsync(dispatching, sqliteGrace: TimeSpan.Zero);
            Assert.False(dispatching.IsCompleted, "marking the reminder sent did not wait for the hub");

            // The dispatcher waits for the hub without holding the reminder, so the cancellation can still withdraw it.
            await using (var probe = factory.Database.OpenContext())
            {
                await using var probing = await probe.Database.BeginTransactionAsync();
                await probe.Database.ExecuteSqlRawAsync("SELECT 1 FROM \"OutboxMessages\" WHERE \"Id\" = {0} FOR UPDATE NOWAIT", reminder.Id);
            }

            await cancellation.RollbackAsync();
            await dispatching.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(OutboxStatus.Sent, Assert.Single(await OutboxAsync(world, id), m => m.Kind == NotificationKind.Reminder).Status);
    }

    [Fact]
    public async Task A_crash_between_send_and_mark_sent_resends_with_the_same_reference_and_the_sender_records_it_once()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id);
        var key = OutboxMessage.KeyFor(id, NotificationKind.BookingConfirmation, NotificationChannel.Sms);
        factory.Faults.CrashAfterSending[key] = 1;
        using var stopping = new CancellationTokenSource();
        factory.Faults.Stopping = stopping;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Dispatcher.DispatchDueAsync(stopping.Token));

        // The sender has it, but the outbox never heard back: still Pending, claimed until the lease ends.
        var afterCrash = Assert.Single(await OutboxAsync(world, id), m => m.IdempotencyKey == key);
        Assert.Equal(OutboxStatus.Pending, afterCrash.Status);
        Assert.Equal(1, afterCrash.Attempts);
        var first = Assert.Single(await SentAsync(key));
        await Dispatcher.DispatchDueAsync();
        Assert.Equal(OutboxStatus.Pending, Assert.Single(await OutboxAsync(world, id), m => m.IdempotencyKey == key).Status);

        using (factory.Clock.TravelTo(Now.AddMinutes(6)))
        {
            await Dispatcher.DispatchDueAsync();
        }

        var sent = Assert.Single(await OutboxAsync(world, id), m => m.IdempotencyKey == key);
        Assert.Equal(OutboxStatus.Sent, sent.Status);
        Assert.Equal(2, sent.Attempts);
        Assert.Equal(2, factory.Faults.Calls.Count(r => r == key));
        var line = Assert.Single(await SentAsync(key));
        Assert.Equal(first.Id, line.Id);
        Assert.Equal(line.Id, sent.ProviderReference);
    }

    [Fact]
    public async Task A_send_that_never_answers_is_given_up_well_within_the_claim_and_retried_later()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id);
        var key = OutboxMessage.KeyFor(id, NotificationKind.BookingConfirmation, NotificationChannel.Sms);
        factory.Faults.HangUntilCancelled[key] = 1;

        // The tests' limit is 2 s (Forward:Notifications:SendTimeoutSeconds); the claim is 5 minutes.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Dispatcher.DispatchDueAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"the dispatcher waited {watch.Elapsed}");

        var hung = Assert.Single(await OutboxAsync(world, id), m => m.IdempotencyKey == key);
        Assert.Equal(OutboxStatus.Pending, hung.Status);
        Assert.Equal("send-timed-out", hung.LastError);
        Assert.Equal(1, hung.Attempts);
        Assert.Equal(Now.AddMinutes(1), hung.DueUtc);
        Assert.Empty(await SentAsync(key));

        var start = Now;
        try
        {
            factory.Clock.SetUtcNow(new DateTimeOffset(start.AddMinutes(2)));
            await Dispatcher.DispatchDueAsync();
            Assert.Equal(OutboxStatus.Sent, Assert.Single(await OutboxAsync(world, id), m => m.IdempotencyKey == key).Status);
            Assert.Single(await SentAsync(key));
        }
        finally
        {
            factory.Clock.SetUtcNow(new DateTimeOffset(start));
        }
    }

    [Fact]
    public async Task The_host_stopping_during_a_send_is_not_a_failure_and_a_senders_own_time_out_is()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id);
        var key = OutboxMessage.KeyFor(id, NotificationKind.BookingConfirmation, NotificationChannel.Sms);

        // Stopping while the send hangs: the cancellation goes through, and the message stays claimed with no error.
        factory.Faults.HangUntilCancelled[key] = 1;
        using (var stopping = new CancellationTokenSource())
        {
            var dispatching = Dispatcher.DispatchDueAsync(stopping.Token);
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!factory.Faults.Calls.Contains(key) && waited.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(10);
            }

            await stopping.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dispatching);
        }

        var claimed = Assert.Single(await OutboxAsync(world, id), m => m.IdempotencyKey == key);
        Assert.Equal(OutboxStatus.Pending, claimed.Status);
        Assert.Null(claimed.LastError);
        Assert.Equal(Now.AddMinutes(5), claimed.DueUtc);

        // A sender's own time-out (an HttpClient's TaskCanceledException, no token cancelled) is a failed send.
        factory.Faults.TimeOutOwnRequest[key] = 1;
        using (factory.Clock.TravelTo(Now.AddMinutes(6)))
        {
            await Dispatcher.DispatchDueAsync();
            var failed = Assert.Single(await OutboxAsync(world, id), m => m.IdempotencyKey == key);
            Assert.Equal(OutboxStatus.Pending, failed.Status);
            Assert.Equal("send-timed-out", failed.LastError);
            Assert.Equal(2, failed.Attempts);
        }
    }

    [Fact]
    public void A_send_limit_is_never_more_than_half_the_claim()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), new NotificationOptions().SendLimit);
        Assert.Equal(TimeSpan.FromSeconds(150), new NotificationOptions { SendTimeoutSeconds = 3600 }.SendLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), new NotificationOptions { SendTimeoutSeconds = 3600, ClaimMinutes = 1 }.SendLimit);
        Assert.Equal(TimeSpan.FromSeconds(1), new NotificationOptions { SendTimeoutSeconds = 0 }.SendLimit);
    }

    [Fact]
    public async Task A_failed_send_backs_off_keeps_an_error_code_and_gives_up_after_max_attempts()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id);
        var key = OutboxMessage.KeyFor(id, NotificationKind.BookingConfirmation, NotificationChannel.Sms);
        factory.Faults.FailBeforeSending[key] = 10;
        var start = Now;

        await Dispatcher.DispatchDueAsync();
        var failed = Assert.Single(await OutboxAsync(world, id), m => m.IdempotencyKey == key);
        Assert.Equal(OutboxStatus.Pending, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Equal("provider-unavailable", failed.LastError);
        Assert.Equal(start.AddMinutes(1), failed.DueUtc);

        var at = start;
        try
        {
            for (var attempt = 2; attempt <= 5; attempt++)
            {
                at = at.AddHours(1);
                factory.Clock.SetUtcNow(new DateTimeOffset(at));
                await Dispatcher.DispatchDueAsync();
            }

            var gaveUp = Assert.Single(await OutboxAsync(world, id), m => m.IdempotencyKey == key);
            Assert.Equal(OutboxStatus.Failed, gaveUp.Status);
            Assert.Equal(5, gaveUp.Attempts);
            factory.Clock.SetUtcNow(new DateTimeOffset(at.AddHours(1)));
            await Dispatcher.DispatchDueAsync();
            Assert.Equal(5, factory.Faults.Calls.Count(r => r == key));
            Assert.Empty(await SentAsync(key));
        }
        finally
        {
            factory.Clock.SetUtcNow(new DateTimeOffset(start));
        }
    }

    [Fact]
    public async Task An_email_confirmation_carries_an_ics_file_with_the_utc_start_and_the_hub_as_location()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs = TestPatients.NewNhsNumber();
        await AddPatientWithEmailAsync(world, nhs, "alex.testperson@example.com");
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id, nhs);
        var messages = await OutboxAsync(world, id);
        Assert.Equal(4, messages.Count);
        var email = Assert.Single(messages, m => m.Kind == NotificationKind.BookingConfirmation && m.Channel == NotificationChannel.Email);
        Assert.Equal("alex.testperson@example.com", email.Recipient);

        await Dispatcher.DispatchDueAsync();

        var line = Assert.Single(await SentAsync(email.IdempotencyKey));
        Assert.Equal("email", line.Channel);
        var attachment = Assert.Single(line.Attachments);
        Assert.Equal("text/calendar", attachment.ContentType);
        var ics = Encoding.UTF8.GetString(Convert.FromBase64String(attachment.Base64));
        var calendar = Ical.Net.Calendar.Load(ics)!;
        var evt = Assert.Single(calendar.Events);
        Assert.Equal(slot.StartUtc, evt.DtStart!.AsUtc);
        Assert.Equal(DateTimeKind.Utc, evt.DtStart.AsUtc.Kind);
        Assert.Equal(slot.EndUtc, evt.DtEnd!.AsUtc);
        Assert.StartsWith("Test Hub ", evt.Location, StringComparison.Ordinal);
        Assert.Contains("Testford", evt.Location, StringComparison.Ordinal);
        Assert.Equal(Uri.UriSchemeMailto, evt.Organizer!.Value!.Scheme); // iTIP: a PUBLISH names its organiser
        Assert.StartsWith("Test Hub ", evt.Organizer.CommonName, StringComparison.Ordinal);
        Assert.DoesNotContain("Cough", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("Testperson", ics, StringComparison.Ordinal);
        Assert.Empty(Assert.Single(await SentAsync(OutboxMessage.KeyFor(id, NotificationKind.BookingConfirmation, NotificationChannel.Sms))).Attachments);
    }

    /// <summary>
    /// A telephone appointment is a call from the hub: old code told the patient only the hub, its address, date and time,
    /// in every message and in the calendar entry, so they would travel to the hub and miss the call.
    /// </summary>
    [Fact]
    public async Task A_telephone_appointment_is_told_as_a_call_from_the_hub_in_the_messages_the_calendar_entry_and_the_cancel_page()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs = TestPatients.NewNhsNumber();
        await AddPatientWithEmailAsync(world, nhs, "alex.phonecall@example.com");
        var after = Now.AddDays(2);
        var slot = await world.WithDbAsync(db => db.Slots.AsNoTracking()
            .Where(s => s.HubId == world.HubId && s.Mode == DeliveryMode.Telephone && s.Status == SlotStatus.Free && s.StartUtc > after)
            .OrderBy(s => s.StartUtc).FirstAsync());
        var id = await BookAsync(world, slot.Id, nhs);

        var messages = await OutboxAsync(world, id);
        Assert.All(messages, m =>
        {
            var values = JsonSerializer.Deserialize<Dictionary<string, string>>(m.Personalisation)!;
            Assert.Equal("telephone appointment", values["appointment_type"]);
            Assert.Equal("yes", values["remote"]);
            Assert.Matches("^A clinician from Test Hub .* will phone you at that time\\. You do not need to go to the hub\\.$", values["how_seen"]);
        });

        await Dispatcher.DispatchDueAsync();
        var email = Assert.Single(messages, m => m.Kind == NotificationKind.BookingConfirmation && m.Channel == NotificationChannel.Email);
        var ics = Encoding.UTF8.GetString(Convert.FromBase64String(Assert.Single(Assert.Single(await SentAsync(email.IdempotencyKey)).Attachments).Base64));
        var evt = Assert.Single(Ical.Net.Calendar.Load(ics)!.Events);
        Assert.Equal("By telephone: the hub will phone you", evt.Location);
        Assert.StartsWith("GP extended access telephone appointment with Test Hub ", evt.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Testford", ics, StringComparison.Ordinal); // the hub's town: not a place to go

        using var patient = new PageClient(factory);
        var page = System.Net.WebUtility.HtmlDecode((await patient.GetAsync(await CancelUrlAsync(world, id))).Html);
        Assert.Contains("will phone you at that time", page, StringComparison.Ordinal);
        Assert.DoesNotContain(">Where<", page, StringComparison.Ordinal);

        // Cancelled, the page no longer promises a call.
        var cancelUrl = await CancelUrlAsync(world, id);
        Assert.Equal(HttpStatusCode.Redirect, (await patient.PostFormAsync(cancelUrl, new Dictionary<string, string> { ["Token"] = TokenOf(cancelUrl) })).StatusCode);
        var cancelled = System.Net.WebUtility.HtmlDecode((await patient.GetAsync(cancelUrl)).Html);
        Assert.DoesNotContain("will phone you", cancelled, StringComparison.Ordinal);
        Assert.Contains("Telephone appointment with Test Hub ", cancelled, StringComparison.Ordinal);

        // A face-to-face appointment still says where to go.
        var faceToFace = (await world.FreeSlotsAsync(after))[0];
        var visit = JsonSerializer.Deserialize<Dictionary<string, string>>((await OutboxAsync(world, await BookAsync(world, faceToFace.Id))).First().Personalisation)!;
        Assert.Equal(("appointment", "no"), (visit["appointment_type"], visit["remote"]));
        Assert.Equal($"The appointment is at {visit["hub_name"]}, {visit["hub_address"]}.", visit["how_seen"]);
    }

    /// <summary>
    /// The seeds state no site for 18 hubs. Old code sent the catalogue's note as the address: "The appointment is at
    /// Dunstable Hub, Site not stated in the seeds, Dunstable.", and the same in the calendar entry. Patients get the hub's
    /// name and what is known of where it is; with neither site nor town, the name alone.
    /// </summary>
    [Theory]
    [InlineData("BED-H04", "Dunstable Hub, Dunstable")]
    [InlineData("BED-H09", "West Mid Beds Hub")]
    [InlineData("WOR-H10", "Hume Street/Northumberland House Hub, Hume Street/Northumberland House")]
    public async Task A_hub_whose_site_the_seeds_do_not_state_is_given_by_what_is_known_of_it_never_by_the_note(string seededHub, string place)
    {
        var world = await TestWorld.CreateAsync(factory);
        await world.WithDbAsync(async db =>
        {
            // The test hub takes the seeded hub's name, site and town, as the catalogue gives them.
            var seeded = await db.Hubs.AsNoTracking().SingleAsync(h => h.Code == seededHub);
            var hub = await db.Hubs.SingleAsync(h => h.Id == world.HubId);
            (hub.Name, hub.SiteName, hub.Town) = (seeded.Name, seeded.SiteName, seeded.Town);
            return await db.SaveChangesAsync();
        });
        var nhs = TestPatients.NewNhsNumber();
        await AddPatientWithEmailAsync(world, nhs, "alex.nosite@example.com");
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        Assert.Equal(DeliveryMode.FaceToFace, slot.Mode);
        var id = await BookAsync(world, slot.Id, nhs);
        var client = await world.ClientAsync(world.PracticeStaffA);
        await Dispatcher.DispatchDueAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason = "Feeling better" })).StatusCode);
        await Dispatcher.DispatchDueAsync();

        var messages = await OutboxAsync(world, id);
        Assert.Contains(messages, m => m.Kind == NotificationKind.CancellationNotice);
        Assert.All(messages, m =>
        {
            Assert.DoesNotContain("stated", m.Personalisation, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("(synthetic)", m.Personalisation, StringComparison.Ordinal);
        });
        var confirmation = JsonSerializer.Deserialize<Dictionary<string, string>>(Assert.Single(messages, m => m.Kind == NotificationKind.BookingConfirmation && m.Channel == NotificationChannel.Sms).Personalisation)!;
        Assert.Equal($"The appointment is at {place}.", confirmation["how_seen"]);

        foreach (var kind in new[] { NotificationKind.BookingConfirmation, NotificationKind.CancellationNotice })
        {
            var sent = Assert.Single(await SentAsync(OutboxMessage.KeyFor(id, kind, NotificationChannel.Email)));
            var evt = Assert.Single(Ical.Net.Calendar.Load(Encoding.UTF8.GetString(Convert.FromBase64String(Assert.Single(sent.Attachments).Base64)))!.Events);
            Assert.Equal(place, evt.Location);
        }
    }

    /// <summary>
    /// Messages queued before a hub's address was put right (a database seeded with a note as its site, upgraded while
    /// reminders wait) go with the address as it stands. Old code sent the words saved at booking.
    /// </summary>
    [Fact]
    public async Task A_message_queued_before_the_hubs_address_was_put_right_goes_with_the_address_as_it_stands()
    {
        var world = await TestWorld.CreateAsync(factory);
        await SetHubPlaceAsync(world, "Site not stated in the seeds", "Dunstable");
        var nhs = TestPatients.NewNhsNumber();
        await AddPatientWithEmailAsync(world, nhs, "alex.moved@example.com");
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        Assert.Equal(DeliveryMode.FaceToFace, slot.Mode);
        var id = await BookAsync(world, slot.Id, nhs);
        await SetHubPlaceAsync(world, null, "Dunstable");

        await Dispatcher.DispatchDueAsync();

        var hubName = await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).Select(h => h.Name).SingleAsync());
        foreach (var channel in new[] { NotificationChannel.Sms, NotificationChannel.Email })
        {
            var sent = Assert.Single(await SentAsync(OutboxMessage.KeyFor(id, NotificationKind.BookingConfirmation, channel)));
            Assert.Equal("Dunstable", sent.Personalisation["hub_address"]);
            Assert.Equal($"The appointment is at {hubName}, Dunstable.", sent.Personalisation["how_seen"]);
        }
    }

    private static Task<int> SetHubPlaceAsync(TestWorld world, string? siteName, string? town) => world.WithDbAsync(async db =>
    {
        var hub = await db.Hubs.SingleAsync(h => h.Id == world.HubId);
        (hub.SiteName, hub.Town) = (siteName, town);
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task A_cancellation_email_takes_the_calendar_entry_out_and_a_confirmation_not_yet_sent_is_not_sent()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs = TestPatients.NewNhsNumber();
        await world.WithDbAsync(async db =>
        {
            db.Patients.Add(new Domain.Patients.Patient { NhsNumber = nhs, GivenName = "Alex", FamilyName = "Testperson", DateOfBirth = new DateOnly(1980, 5, 17), Phone = Phone, Email = "alex.cancel@example.com", RegisteredPracticeId = world.PracticeA.Id });
            return await db.SaveChangesAsync();
        });
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id, nhs);

        // Cancelled before the dispatcher got to the confirmation (a slow provider, a retry).
        var client = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason = "Feeling better" })).StatusCode);
        await Dispatcher.DispatchDueAsync();

        // Old code: the confirmation went too, "booked" just before "cancelled".
        Assert.Empty(await SentAsync(OutboxMessage.KeyFor(id, NotificationKind.BookingConfirmation, NotificationChannel.Email)));
        var notice = Assert.Single(await SentAsync(OutboxMessage.KeyFor(id, NotificationKind.CancellationNotice, NotificationChannel.Email)));
        var calendar = Ical.Net.Calendar.Load(Encoding.UTF8.GetString(Convert.FromBase64String(Assert.Single(notice.Attachments).Base64)))!;
        Assert.Equal("CANCEL", calendar.Method);
        var evt = Assert.Single(calendar.Events);
        Assert.Equal($"forward-appointment-{id}@forward.nhs", evt.Uid);
        Assert.Equal("CANCELLED", evt.Status);
        Assert.Equal(1, evt.Sequence);
        Assert.Equal(Uri.UriSchemeMailto, evt.Organizer!.Value!.Scheme); // a calendar takes a CANCEL from the entry's organiser
        Assert.Equal(slot.StartUtc, evt.DtStart!.AsUtc);
        Assert.Empty(Assert.Single(await SentAsync(OutboxMessage.KeyFor(id, NotificationKind.CancellationNotice, NotificationChannel.Sms))).Attachments);
    }

    [Fact]
    public async Task A_confirmation_still_being_retried_when_its_appointment_is_cancelled_is_dropped_and_the_notice_goes_after_it()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id);
        var confirmation = OutboxMessage.KeyFor(id, NotificationKind.BookingConfirmation, NotificationChannel.Sms);
        var notice = OutboxMessage.KeyFor(id, NotificationKind.CancellationNotice, NotificationChannel.Sms);

        // The provider refuses the confirmation once: it waits a minute to be tried again. Meanwhile the booking is cancelled.
        factory.Faults.FailBeforeSending[confirmation] = 1;
        await Dispatcher.DispatchDueAsync();
        var client = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason = "Feeling better" })).StatusCode);

        // The notice waits for the confirmation: "cancelled" then "booked" would leave the patient believing they are booked.
        // The confirmation, due again, is dropped (old code: sent, "booked" for an appointment already cancelled), and
        // the notice goes.
        await Dispatcher.DispatchDueAsync();
        Assert.Empty(await SentAsync(notice));
        using (factory.Clock.TravelTo(Now.AddMinutes(2)))
        {
            await Dispatcher.DispatchDueAsync();
            await Dispatcher.DispatchDueAsync();
        }

        var order = (await FileSender.ReadAllAsync()).Select(n => n.Reference).Where(r => r == confirmation || r == notice).ToList();
        Assert.Equal([notice], order);
        var confirmationRow = await world.WithDbAsync(db => db.OutboxMessages.SingleAsync(m => m.IdempotencyKey == confirmation));
        Assert.Equal((OutboxStatus.Cancelled, "appointment-not-booked"), (confirmationRow.Status, confirmationRow.LastError));
        var noticeRow = await world.WithDbAsync(db => db.OutboxMessages.SingleAsync(m => m.IdempotencyKey == notice));
        Assert.Equal((OutboxStatus.Sent, 1), (noticeRow.Status, noticeRow.Attempts)); // waiting was not a failed attempt
    }

    [Fact]
    public void Calendar_entries_are_organised_from_the_configured_address_or_noreply_at_the_public_host()
    {
        Assert.Equal("noreply@forward.example.nhs.uk", new NotificationOptions { PublicBaseUrl = "https://forward.example.nhs.uk" }.CalendarOrganizer);
        Assert.Equal("appointments@hub.example.nhs.uk", new NotificationOptions { PublicBaseUrl = "https://forward.example.nhs.uk", CalendarOrganizerEmail = " appointments@hub.example.nhs.uk " }.CalendarOrganizer);
        var ics = AppointmentCalendar.Build(7, new DateTime(2026, 6, 8, 17, 30, 0, DateTimeKind.Utc), new DateTime(2026, 6, 8, 17, 45, 0, DateTimeKind.Utc), DeliveryMode.FaceToFace, "Belgrave hub", "Leicester", "noreply@forward.example.nhs.uk", new DateTime(2026, 6, 1, 9, 0, 0, DateTimeKind.Utc));
        Assert.Contains("ORGANIZER;CN=Belgrave hub:mailto:noreply@forward.example.nhs.uk", ics, StringComparison.Ordinal);

        // RFC 5545: one PRODID (old code: the library's and Forward's, which strict calendar clients refuse).
        Assert.Equal(["PRODID:-//Forward//Extended access//EN"], ics.Split("\r\n").Where(l => l.StartsWith("PRODID", StringComparison.Ordinal)));
        Assert.True(NotificationOptions.IsEmailAddress("appointments@hub.example.nhs.uk"));
        Assert.All(["Hub <appointments@hub.example.nhs.uk>", "appointments", "a b@hub.example.nhs.uk", ""], bad => Assert.False(NotificationOptions.IsEmailAddress(bad), bad));
    }

    [Fact]
    public async Task The_cancel_link_shows_only_time_and_hub_and_cancels_freeing_the_slot()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs = TestPatients.NewNhsNumber();
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id, nhs);
        var url = await CancelUrlAsync(world, id);
        using var patient = new PageClient(factory);

        var (status, html) = await patient.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Test Hub ", html, StringComparison.Ordinal);
        Assert.Contains(Wording(slot.StartUtc), html, StringComparison.Ordinal);
        Assert.DoesNotContain("Testperson", html, StringComparison.Ordinal);
        Assert.DoesNotContain(nhs, html, StringComparison.Ordinal);
        Assert.DoesNotContain("900123", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Cough", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/Account/SignIn\"", html, StringComparison.Ordinal); // old code: the staff "Sign in" link
        Assert.Contains("href=\"/Account/SignIn\"", (await patient.GetAsync("/")).Html, StringComparison.Ordinal);

        var noToken = await patient.PostFormWithoutTokenAsync(url, new Dictionary<string, string> { ["Token"] = TokenOf(url) });
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal("Booked", await StatusAsync(world, id));

        var posted = await patient.PostFormAsync(url, new Dictionary<string, string> { ["Token"] = TokenOf(url) });

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("Cancelled", await StatusAsync(world, id));
        Assert.Equal(SlotStatus.Free, await world.WithDbAsync(async db => (await db.Slots.FindAsync(slot.Id))!.Status));
        var audit = await world.WithDbAsync(db => db.AuditEvents.SingleAsync(a => a.Action == "appointment.cancel" && a.EntityId == id.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal("patient-link", audit.Actor);
        Assert.Equal("Patient", audit.ActorRole);
        using (var practice = await PageClient.SignedInAsync(factory, world.PracticeStaffA))
        {
            var (_, details) = await practice.GetAsync($"/Appointments/Details/{id}");
            Assert.Contains(" by the patient, with the link in their message</dd>", details, StringComparison.Ordinal); // old code: when, not who
        }

        var messages = await OutboxAsync(world, id);
        Assert.Equal(OutboxStatus.Cancelled, Assert.Single(messages, m => m.Kind == NotificationKind.Reminder).Status);
        Assert.Single(messages, m => m.Kind == NotificationKind.CancellationNotice);

        // The button pressed twice: the second press finds it done and says so, rather than showing a problem.
        var again = await patient.PostFormAsync(url, new Dictionary<string, string> { ["Token"] = TokenOf(url) }, formPage: "/Account/SignIn");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode); // old code: 409, "This appointment is cancelled and cannot be cancelled."
        Assert.Single(await OutboxAsync(world, id), m => m.Kind == NotificationKind.CancellationNotice);
        var (_, after) = await patient.GetAsync(url);
        Assert.Contains("This appointment is cancelled", after, StringComparison.Ordinal);
        Assert.Contains("<title>Your appointment is cancelled", after, StringComparison.Ordinal);
        Assert.Contains("nhsuk-notification-banner--success", after, StringComparison.Ordinal); // the outcome is announced

        var rebooked = await (await world.ClientAsync(world.PracticeStaffA)).PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));
        Assert.Equal(HttpStatusCode.Created, rebooked.StatusCode);
    }

    [Fact]
    public async Task A_tampered_or_expired_cancel_link_is_refused_and_changes_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id);
        var token = TokenOf(await CancelUrlAsync(world, id));
        var tampered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];
        using var patient = new PageClient(factory);

        foreach (var bad in new[] { tampered, token + "x", "not-a-token", string.Empty })
        {
            var url = "/Patient/Cancel?token=" + Uri.EscapeDataString(bad);
            var (status, html) = await patient.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Contains("This link does not work", html, StringComparison.Ordinal);
            var posted = await patient.PostFormAsync(url, new Dictionary<string, string> { ["Token"] = bad }, formPage: "/Account/SignIn");
            Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        }

        using (factory.Clock.TravelTo(slot.StartUtc.AddMinutes(1)))
        {
            var url = "/Patient/Cancel?token=" + Uri.EscapeDataString(token);
            Assert.Equal(HttpStatusCode.NotFound, (await patient.GetAsync(url)).Status);
            var posted = await patient.PostFormAsync(url, new Dictionary<string, string> { ["Token"] = token }, formPage: "/Account/SignIn");
            Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        }

        // A valid link for another appointment does not reach this one either: the token, not a form field, names it.
        Assert.Equal("Booked", await StatusAsync(world, id));
        Assert.Equal(SlotStatus.Booked, await world.WithDbAsync(async db => (await db.Slots.FindAsync(slot.Id))!.Status));
        Assert.Equal(0, await world.WithDbAsync(db => db.AuditEvents.CountAsync(a => a.Action == "appointment.cancel" && a.EntityId == id.ToString(CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task Logs_carry_ids_and_never_the_patients_phone_email_name_or_nhs_number()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs = TestPatients.NewNhsNumber();
        await AddPatientWithEmailAsync(world, nhs, "logcheck.person@example.com");
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id, nhs);
        factory.Faults.FailBeforeSending[OutboxMessage.KeyFor(id, NotificationKind.BookingConfirmation, NotificationChannel.Email)] = 1;
        await Dispatcher.DispatchDueAsync();
        var client = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason = "x" })).StatusCode);
        await Dispatcher.DispatchDueAsync();

        var lines = factory.Logs.Lines.ToList();
        var dispatcher = lines.Where(l => l.Category == typeof(OutboxDispatcher).FullName).Select(l => l.Message).ToList();
        Assert.Contains(dispatcher, m => m.Contains("sent on attempt", StringComparison.Ordinal));
        Assert.Contains(dispatcher, m => m.Contains("provider-unavailable", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Category == typeof(FileNotificationSender).FullName);
        foreach (var (category, message) in lines)
        {
            foreach (var secret in new[] { Phone, "07700900123", "logcheck.person", "Testperson", nhs })
            {
                Assert.False(message.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{category} logged patient data: {message}");
            }
        }
    }

    [Fact]
    public void The_rules_plan_confirmation_now_and_reminder_at_start_minus_lead_on_every_channel()
    {
        var now = new DateTime(2026, 6, 8, 8, 0, 0, DateTimeKind.Utc);
        var start = now.AddDays(3);
        var both = new PatientContact(" 07700 900123 ", "a@example.com");

        var plan = NotificationRules.OnBooking(start, both, now, TimeSpan.FromHours(24));

        Assert.Equal(4, plan.Count);
        Assert.Contains(new PlannedMessage(NotificationKind.BookingConfirmation, NotificationChannel.Sms, "07700900123", now), plan);
        Assert.Contains(new PlannedMessage(NotificationKind.Reminder, NotificationChannel.Email, "a@example.com", start.AddHours(-24)), plan);
        Assert.Equal(2, NotificationRules.OnBooking(start, both, now, TimeSpan.FromDays(3)).Count);
        Assert.Equal(4, NotificationRules.OnBooking(start, both, now, TimeSpan.FromDays(3) - TimeSpan.FromTicks(1)).Count);
        Assert.Empty(NotificationRules.OnBooking(start, new PatientContact(null, " "), now, TimeSpan.FromHours(24)));
        Assert.Throws<ArgumentOutOfRangeException>(() => NotificationRules.OnBooking(start, both, now, TimeSpan.FromHours(-1)));
    }

    [Fact]
    public void The_rules_on_cancellation_cancel_pending_reminders_only_and_add_one_notice_per_channel()
    {
        var now = new DateTime(2026, 6, 8, 8, 0, 0, DateTimeKind.Utc);
        OutboxMessage Row(NotificationKind kind, NotificationChannel channel, OutboxStatus status) => new()
        {
            Kind = kind,
            Channel = channel,
            Status = status,
            TemplateId = "t",
            Personalisation = "{}",
            Recipient = "r",
            IdempotencyKey = OutboxMessage.KeyFor(1, kind, channel),
        };
        var pendingReminder = Row(NotificationKind.Reminder, NotificationChannel.Sms, OutboxStatus.Pending);
        var sentReminder = Row(NotificationKind.Reminder, NotificationChannel.Email, OutboxStatus.Sent);
        var confirmation = Row(NotificationKind.BookingConfirmation, NotificationChannel.Sms, OutboxStatus.Pending);
        var existingNotice = Row(NotificationKind.CancellationNotice, NotificationChannel.Email, OutboxStatus.Pending);

        var plan = NotificationRules.OnCancellation([pendingReminder, sentReminder, confirmation, existingNotice], new PatientContact("07700 900123", "a@example.com"), now);

        Assert.Equal(OutboxStatus.Cancelled, pendingReminder.Status);
        Assert.Equal(OutboxStatus.Sent, sentReminder.Status);
        Assert.Equal(OutboxStatus.Pending, confirmation.Status);
        Assert.Equal([new PlannedMessage(NotificationKind.CancellationNotice, NotificationChannel.Sms, "07700900123", now)], plan);
        Assert.Equal(TimeSpan.FromMinutes(1), NotificationRules.Backoff(1));
        Assert.Equal(TimeSpan.FromMinutes(8), NotificationRules.Backoff(4));
        Assert.Equal(TimeSpan.FromHours(1), NotificationRules.Backoff(20));
    }

    private static string Wording(DateTime utc) => Domain.Time.London.ToLocal(utc).ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string TokenOf(string url) => Uri.UnescapeDataString(url[(url.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..]);

    private static async Task<long> BookAsync(TestWorld world, long slotId, string? nhsNumber = null, string phone = Phone)
    {
        var client = await world.ClientAsync(world.PracticeStaffA);
        var response = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slotId, nhsNumber: nhsNumber, phone: phone));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>A patient already known to Forward, with the test mobile and an email address on their record.</summary>
    private static Task<int> AddPatientWithEmailAsync(TestWorld world, string nhsNumber, string email) =>
        world.WithDbAsync(async db =>
        {
            db.Patients.Add(new Domain.Patients.Patient
            {
                NhsNumber = nhsNumber,
                GivenName = "Alex",
                FamilyName = "Testperson",
                DateOfBirth = new DateOnly(1980, 5, 17),
                Phone = Phone,
                Email = email,
                RegisteredPracticeId = world.PracticeA.Id,
            });
            return await db.SaveChangesAsync();
        });

    private static Task<List<OutboxMessage>> OutboxAsync(TestWorld world, long appointmentId) =>
        world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.AppointmentId == appointmentId).OrderBy(m => m.Id).ToListAsync());

    private static Task<string> StatusAsync(TestWorld world, long appointmentId) =>
        world.WithDbAsync(async db => (await db.Appointments.AsNoTracking().SingleAsync(a => a.Id == appointmentId)).Status.ToString());

    private static async Task<string> CancelUrlAsync(TestWorld world, long appointmentId)
    {
        var confirmation = (await OutboxAsync(world, appointmentId)).Single(m => m.Kind == NotificationKind.BookingConfirmation && m.Channel == NotificationChannel.Sms);
        var absolute = JsonSerializer.Deserialize<Dictionary<string, string>>(confirmation.Personalisation)!["cancel_url"];
        return new Uri(absolute).PathAndQuery;
    }

    private async Task<List<SentNotification>> SentAsync(string reference) =>
        (await FileSender.ReadAllAsync()).Where(n => n.Reference == reference).ToList();

    /// <summary>
    /// A patient gives a new mobile while their reminder is with the sender. Old code: the text went to the old number and
    /// the record said the new one had it, which never got anything.
    /// </summary>
    [Fact]
    public async Task A_new_number_given_while_a_text_is_being_sent_keeps_the_record_true_and_gets_a_copy()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs = TestPatients.NewNhsNumber();
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var id = await BookAsync(world, slot.Id, nhs, "07700 900111");
        await Dispatcher.DispatchDueAsync(); // the confirmation
        var reminder = await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AppointmentId == id && m.Kind == NotificationKind.Reminder && m.Channel == NotificationChannel.Sms));
        var hold = (Reached: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), Open: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        factory.Faults.HoldAfterSending[reminder.IdempotencyKey] = hold;

        using (factory.Clock.TravelTo(slot.StartUtc.AddHours(-24)))
        {
            var dispatching = Task.Run(() => Dispatcher.DispatchDueAsync());
            await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await BookAsync(world, (await world.FreeSlotsAsync(slot.StartUtc.AddDays(2)))[0].Id, nhs, "07700 900222");
            hold.Open.SetResult();
            await dispatching.WaitAsync(TimeSpan.FromSeconds(30));

            var row = await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == reminder.Id));
            Assert.Equal((OutboxStatus.Sent, "07700900111"), (row.Status, row.Recipient));
            Assert.Equal("07700900111", Assert.Single(await FileSender.ReadAllAsync(), n => n.Reference == reminder.IdempotencyKey).Recipient);

            var copy = await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AppointmentId == id && m.Kind == NotificationKind.Reminder && m.Id != reminder.Id));
            Assert.Equal(("07700900222", reminder.Personalisation), (copy.Recipient, copy.Personalisation));
            await Dispatcher.DispatchDueAsync();
            Assert.Equal("07700900222", Assert.Single(await FileSender.ReadAllAsync(), n => n.Reference == copy.IdempotencyKey).Recipient);
        }
    }

    /// <summary>
    /// A patient with only a landline, booked from an online request, whose "booked" message is with the sender when the
    /// appointment is cancelled. Old code: the cancellation saw it waiting, withdrew it and queued no "cancelled"; the
    /// sender sent it, so the patient was told "booked" and nothing more.
    /// </summary>
    [Fact]
    public async Task A_cancellation_while_the_requests_booked_message_is_being_sent_is_told_after_it()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await Consultation.TriageTests.AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5), mobile: null);
        var slot = (await world.FreeSlotsAsync(Now.AddDays(2)))[0];
        var actor = new Forward.Web.Access.Actor(world.PracticeStaffA, Forward.Domain.Access.Roles.PracticeStaff, world.PracticeA.Id, null, null, world.PracticeA.OdsCode);
        var landline = new Forward.Web.Booking.BookingRequest([slot.Id], new Forward.Domain.Patients.PatientDetails(request.NhsNumber, "Ada", "Triagetest", new DateOnly(1980, 1, 2), "01632 960001"), null, null, Forward.Domain.Booking.RecordSharingConsent.Granted, Guid.NewGuid().ToString());
        long appointmentId;
        using (var scope = factory.Services.CreateScope())
        {
            appointmentId = (await scope.ServiceProvider.GetRequiredService<Forward.Web.Consultation.TriageService>().BookFromRequestAsync(request.Id, landline, actor)).Appointment.Id;
        }

        var told = await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.ConsultationRequestId == request.Id));
        var hold = (Reached: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), Open: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        factory.Faults.HoldAfterSending[told.IdempotencyKey] = hold;
        var dispatching = Task.Run(() => Dispatcher.DispatchDueAsync());
        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Forward.Web.Booking.BookingService>().CancelAsync(appointmentId, "Clinician unwell", actor);
        }

        // Held while the sender may still have "booked" (its claim not yet over), then sent once it is recorded as sent.
        await Dispatcher.DispatchDueAsync();
        hold.Open.SetResult();
        await dispatching.WaitAsync(TimeSpan.FromSeconds(30));
        var claimOver = await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.ConsultationRequestId == request.Id && m.Id != told.Id).Select(m => m.DueUtc).SingleAsync());
        using (factory.Clock.TravelTo(claimOver.AddSeconds(1)))
        {
            await Dispatcher.DispatchDueAsync();
        }

        var delivered = (await FileSender.ReadAllAsync()).Where(n => n.Reference.StartsWith($"consultation-{request.Id}:", StringComparison.Ordinal)).Select(n => n.Reference).ToList();
        Assert.Equal([told.IdempotencyKey, told.IdempotencyKey.Replace($"booked-{appointmentId}", $"cancelled-{appointmentId}", StringComparison.Ordinal)], delivered);
    }
}
