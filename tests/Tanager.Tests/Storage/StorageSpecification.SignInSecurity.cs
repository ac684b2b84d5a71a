using System.Security.Cryptography;
using NUlid;

namespace Tanager.Tests.Storage;

/// <summary>Issue 12: authenticators, one-use recovery codes and time steps, and the audit log.</summary>
public abstract partial class StorageSpecification
{
    [Fact]
    public async Task A_two_factor_credential_reads_back_and_saving_again_replaces_it_and_its_recovery_codes()
    {
        var user = await NewUserAsync();
        Assert.Null(await _store.TwoFactor.GetTwoFactorAsync(user.Id));
        var pending = new TwoFactorCredential(user.Id, "JBSWY3DPEHPK3PXP", At(1));
        await _store.TwoFactor.SaveTwoFactorAsync(pending, []);
        Assert.Equal(pending, await _store.TwoFactor.GetTwoFactorAsync(user.Id));
        Assert.Equal(0, await _store.TwoFactor.CountRecoveryCodesAsync(user.Id));

        var codes = Enumerable.Range(0, 10).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
        var enabled = pending with { EnabledAt = At(2), LastUsedStep = 59_000_000 };
        await _store.TwoFactor.SaveTwoFactorAsync(enabled, codes);
        Assert.Equal(enabled, await _store.TwoFactor.GetTwoFactorAsync(user.Id));
        Assert.Equal(10, await _store.TwoFactor.CountRecoveryCodesAsync(user.Id));

        var replaced = new TwoFactorCredential(user.Id, "KRSXG5CTMVRXEZLU", At(3)) { EnabledAt = At(4) };
        await _store.TwoFactor.SaveTwoFactorAsync(replaced, [codes[0]]);
        Assert.Equal(replaced, await _store.TwoFactor.GetTwoFactorAsync(user.Id));
        Assert.Equal(1, await _store.TwoFactor.CountRecoveryCodesAsync(user.Id));
        Assert.False(await _store.TwoFactor.TryUseRecoveryCodeAsync(user.Id, codes[1]));
    }

    [Fact]
    public async Task A_time_step_is_used_once_and_never_one_before_the_last()
    {
        var user = await NewUserAsync();
        Assert.False(await _store.TwoFactor.TryUseTimeStepAsync(user.Id, 100)); // no credential
        await _store.TwoFactor.SaveTwoFactorAsync(new TwoFactorCredential(user.Id, "JBSWY3DPEHPK3PXP", At(1)) { EnabledAt = At(1), LastUsedStep = 100 }, []);

        Assert.False(await _store.TwoFactor.TryUseTimeStepAsync(user.Id, 100));
        Assert.False(await _store.TwoFactor.TryUseTimeStepAsync(user.Id, 99));
        Assert.True(await _store.TwoFactor.TryUseTimeStepAsync(user.Id, 101));
        Assert.False(await _store.TwoFactor.TryUseTimeStepAsync(user.Id, 101));
        Assert.Equal(101, (await _store.TwoFactor.GetTwoFactorAsync(user.Id))!.LastUsedStep);

        // Two concurrent uses of one step: exactly one wins.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _store.TwoFactor.TryUseTimeStepAsync(user.Id, 102).AsTask()));
        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task A_recovery_code_is_used_once_only_by_its_owner_and_deleting_the_credential_removes_the_rest()
    {
        var ann = await NewUserAsync();
        var bob = await NewUserAsync();
        var code = RandomNumberGenerator.GetBytes(32);
        var other = RandomNumberGenerator.GetBytes(32);
        await _store.TwoFactor.SaveTwoFactorAsync(new TwoFactorCredential(ann.Id, "JBSWY3DPEHPK3PXP", At(1)) { EnabledAt = At(1) }, [code, other]);

        Assert.False(await _store.TwoFactor.TryUseRecoveryCodeAsync(bob.Id, code));
        Assert.True(await _store.TwoFactor.TryUseRecoveryCodeAsync(ann.Id, code));
        Assert.False(await _store.TwoFactor.TryUseRecoveryCodeAsync(ann.Id, code));
        Assert.Equal(1, await _store.TwoFactor.CountRecoveryCodesAsync(ann.Id));

        Assert.True(await _store.TwoFactor.DeleteTwoFactorAsync(ann.Id));
        Assert.False(await _store.TwoFactor.DeleteTwoFactorAsync(ann.Id));
        Assert.Null(await _store.TwoFactor.GetTwoFactorAsync(ann.Id));
        Assert.Equal(0, await _store.TwoFactor.CountRecoveryCodesAsync(ann.Id));
        Assert.False(await _store.TwoFactor.TryUseRecoveryCodeAsync(ann.Id, other));
    }

    [Fact]
    public async Task Audit_events_read_back_newest_first_in_pages_and_by_user()
    {
        var ann = await NewUserAsync();
        var bob = await NewUserAsync();
        var written = new List<AuditEvent>();
        for (var i = 0; i < 5; i++)
        {
            var auditEvent = new AuditEvent(Ulid.NewUlid(At(10 + i)), AuditEventKinds.LoginSucceeded, At(10 + i))
            {
                ActorId = i == 4 ? Ulid.Empty : ann.Id,
                UserId = i % 2 == 0 ? ann.Id : bob.Id,
                IpAddress = "203.0.113.9",
                UserAgent = "Test/1.0",
                Detail = $"event {i}",
            };
            await _store.Audit.AddAuditEventAsync(auditEvent);
            written.Add(auditEvent);
        }
        // An event with nothing optional: a failed login for an unknown email from an unknown address.
        var bare = new AuditEvent(Ulid.NewUlid(At(20)), AuditEventKinds.LoginFailed, At(20));
        await _store.Audit.AddAuditEventAsync(bare);

        var all = await _store.Audit.ListAuditEventsAsync(null, 100);
        Assert.Equal([bare, .. Enumerable.Reverse(written)], all);
        var firstPage = await _store.Audit.ListAuditEventsAsync(null, 2);
        var secondPage = await _store.Audit.ListAuditEventsAsync(firstPage[^1].Id, 2);
        Assert.Equal([bare, written[4]], firstPage);
        Assert.Equal([written[3], written[2]], secondPage);
        Assert.Equal([written[4], written[2], written[0]], await _store.Audit.ListAuditEventsAsync(null, 10, ann.Id));
        Assert.Equal([written[1]], await _store.Audit.ListAuditEventsAsync(written[3].Id, 10, bob.Id));
    }
}
