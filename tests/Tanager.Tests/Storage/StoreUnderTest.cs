namespace Tanager.Tests.Storage;

/// <summary>A store implementation as the specification sees it: every storage interface, plus how to migrate it.</summary>
public sealed record StoreUnderTest(IUserStore Users, IWorkspaceStore Workspaces, IChannelStore Channels, IMessageStore Messages, ISearchStore Search, Func<Task> MigrateAsync)
{
    public static StoreUnderTest Of<T>(T store)
        where T : IUserStore, IWorkspaceStore, IChannelStore, IMessageStore, ISearchStore =>
        new(store, store, store, store, store, store is IStorageMigrator migrator ? () => migrator.MigrateAsync() : () => Task.CompletedTask)
        {
            ReadStates = (IReadStateStore)store,
            Attachments = (IAttachmentStore)store,
            ExternalLogins = (IExternalLoginStore)store,
            Webhooks = (IWebhookStore)store,
            SlashCommands = (ISlashCommandStore)store,
            TwoFactor = (ITwoFactorStore)store,
            Audit = (IAuditStore)store,
            Notifications = (INotificationStore)store,
            EventSubscriptions = (IEventSubscriptionStore)store,
        };

    public IReadStateStore ReadStates { get; init; } = null!;
    public IAttachmentStore Attachments { get; init; } = null!;
    public IExternalLoginStore ExternalLogins { get; init; } = null!;
    public IWebhookStore Webhooks { get; init; } = null!;
    public ISlashCommandStore SlashCommands { get; init; } = null!;
    public ITwoFactorStore TwoFactor { get; init; } = null!;
    public IAuditStore Audit { get; init; } = null!;
    public INotificationStore Notifications { get; init; } = null!;
    public IEventSubscriptionStore EventSubscriptions { get; init; } = null!;
}
