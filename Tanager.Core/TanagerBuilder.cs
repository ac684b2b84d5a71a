using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tanager;

/// <summary>Returned by <c>AddTanager()</c>; adapter packages add <c>UseXxx(…)</c> extensions that replace a default.</summary>
public sealed class TanagerBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>
    /// Adds the app's own code to Tanager: checks before a message is stored (moderation) and handlers after changes are
    /// committed (<see cref="TanagerHooks"/> states what each is guaranteed). May be called more than once; hooks run in
    /// the order added.
    /// </summary>
    public TanagerBuilder AddHooks(Action<TanagerHooks> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        if (Services.LastOrDefault(d => d.ServiceType == typeof(TanagerHooks))?.ImplementationInstance is not TanagerHooks hooks)
        {
            hooks = new TanagerHooks();
            Services.AddSingleton(hooks);
        }
        configure(hooks);
        return this;
    }

    /// <summary>Uses <typeparamref name="TStore"/> (a singleton) for every storage interface it implements.</summary>
    public TanagerBuilder UseStore<TStore>(Func<IServiceProvider, TStore> factory)
        where TStore : class
    {
        Services.AddSingleton(factory);
        Replace<IUserStore, TStore>();
        Replace<IWorkspaceStore, TStore>();
        Replace<IChannelStore, TStore>();
        Replace<IMessageStore, TStore>();
        Replace<ISearchStore, TStore>();
        Replace<IReadStateStore, TStore>();
        Replace<IAttachmentStore, TStore>();
        Replace<IExternalLoginStore, TStore>();
        Replace<IWebhookStore, TStore>();
        Replace<ISlashCommandStore, TStore>();
        Replace<ITwoFactorStore, TStore>();
        Replace<IAuditStore, TStore>();
        Replace<INotificationStore, TStore>();
        Replace<IEventSubscriptionStore, TStore>();
        // One store at a time: the previous store's migrator goes with it.
        Services.RemoveAll<IStorageMigrator>();
        if (typeof(IStorageMigrator).IsAssignableFrom(typeof(TStore)))
        {
            Services.AddSingleton(sp => (IStorageMigrator)sp.GetRequiredService<TStore>());
        }
        Services.RemoveAll<IWorkspaceArchiveStore>();
        if (typeof(IWorkspaceArchiveStore).IsAssignableFrom(typeof(TStore)))
        {
            Services.AddSingleton(sp => (IWorkspaceArchiveStore)sp.GetRequiredService<TStore>());
        }
        return this;
    }

    /// <summary>
    /// Keeps everything in this process's memory: for tests and demos only, since every account, workspace and message is
    /// lost when the process stops. <c>AddTanager()</c> has no default store, so this choice is always explicit.
    /// </summary>
    public TanagerBuilder UseInMemory() => UseStore(_ => new InMemoryStore());

    /// <summary>
    /// Keeps attachment bytes in <paramref name="directory"/> on this machine, served through signed URLs by Tanager
    /// itself (the default is <c>data/files</c> under the working folder). For several nodes use a shared store (S3).
    /// </summary>
    public TanagerBuilder UseLocalFiles(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return UseFileStore(sp => new LocalDiskFileStore(directory, sp.GetService<TimeProvider>()));
    }

    /// <summary>Uses <paramref name="factory"/>'s file store (a singleton) in place of local disk.</summary>
    public TanagerBuilder UseFileStore(Func<IServiceProvider, IFileStore> factory)
    {
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }

    /// <summary>
    /// Reads image sizes and makes thumbnails with <paramref name="factory"/>'s processor (a singleton); without one,
    /// images are plain files. <c>Tanager.Imaging.Skia</c> adds <c>UseSkiaImages()</c>.
    /// </summary>
    public TanagerBuilder UseImages(Func<IServiceProvider, IImageProcessor> factory)
    {
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }

    /// <summary>Uses <paramref name="factory"/>'s pub/sub (a singleton) in place of the in-process one.</summary>
    public TanagerBuilder UsePubSub(Func<IServiceProvider, IPubSub> factory)
    {
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }

    private void Replace<TService, TStore>()
        where TService : class
        where TStore : class
    {
        if (typeof(TService).IsAssignableFrom(typeof(TStore)))
        {
            Services.Replace(ServiceDescriptor.Singleton<TService>(sp => (TService)(object)sp.GetRequiredService<TStore>()));
        }
    }
}
