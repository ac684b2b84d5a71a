using Microsoft.Extensions.Hosting;
using Tanager.Internal;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>What an app gets from <c>AddTanager()</c> before it chooses anything: no silent in-memory store.</summary>
public sealed class EmbeddingDefaultsTests
{
    [Fact]
    public async Task AddTanager_without_a_store_stops_the_host_at_start_and_says_which_store_to_choose()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddTanager();
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync()).Within();

        Assert.Equal(StoreCheck.Message, exception.Message);
        Assert.Contains(".UseSqlite(\"path/to/chat.db\")", exception.Message, StringComparison.Ordinal);
        Assert.Contains(".UsePostgres(url)", exception.Message, StringComparison.Ordinal);
        Assert.Contains(".UseInMemory() for tests and demos (it loses everything on restart)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MapTanager_without_a_store_fails_with_the_same_message_before_the_app_runs()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddTanager();
        var app = builder.Build();

        var exception = Assert.Throws<InvalidOperationException>(() => app.MapTanager("/chat"));

        Assert.Equal(StoreCheck.Message, exception.Message);
    }

    [Fact]
    public async Task UseInMemory_is_an_explicit_choice_that_starts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddTanager(o => (o.PasswordMemoryKiB, o.PasswordIterations) = (64, 1)).UseInMemory();
        using var host = builder.Build();

        await host.StartAsync().Within();
        var (user, _) = await host.Services.GetRequiredService<AccountService>().RegisterAsync("ann@example.test", "correct horse", "Ann");
        await host.StopAsync();

        Assert.IsType<InMemoryStore>(host.Services.GetRequiredService<IUserStore>());
        Assert.True(user.IsServerAdmin);
    }

    [Fact]
    public async Task Closed_registration_refuses_even_the_first_account_so_no_stranger_becomes_administrator()
    {
        await using var provider = InMemory(o => o.Registration = RegistrationPolicy.Closed);

        var refused = await Assert.ThrowsAsync<TanagerException>(() => provider.GetRequiredService<AccountService>().RegisterAsync("eve@example.test", "correct horse", "Eve"));

        Assert.Equal(Tanager.Protocol.ErrorCodes.RegistrationClosed, refused.Code);
        Assert.Equal(0L, await provider.GetRequiredService<IUserStore>().CountAsync());
    }

    [Fact]
    public async Task A_host_user_is_a_server_administrator_while_the_host_says_so()
    {
        await using var provider = InMemory();
        var accounts = provider.GetRequiredService<AccountService>();

        var admin = await accounts.SignInHostUserAsync(new HostUser("1", "Alice Adams") { IsServerAdmin = true });
        var unchanged = await accounts.SignInHostUserAsync(new HostUser("1", "Alice Adams"));
        var demoted = await accounts.SignInHostUserAsync(new HostUser("1", "Alice Adams") { IsServerAdmin = false });
        var plain = await accounts.SignInHostUserAsync(new HostUser("2", "Bob Brown"));

        Assert.True(admin.IsServerAdministrator);
        Assert.True(unchanged.IsServerAdministrator);
        Assert.False(demoted.IsServerAdministrator);
        Assert.False((await accounts.GetUserAsync(demoted.UserId)).IsServerAdmin);
        Assert.Equal(admin.UserId, demoted.UserId);
        Assert.False(plain.IsServerAdministrator);
    }

    [Fact]
    public async Task The_embedding_guide_quotes_the_start_up_error_word_for_word()
    {
        var guide = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "embedding.md"));
        Assert.Contains(StoreCheck.Message, guide.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    private static ServiceProvider InMemory(Action<TanagerOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTanager(o =>
        {
            (o.PasswordMemoryKiB, o.PasswordIterations) = (64, 1);
            configure?.Invoke(o);
        }).UseInMemory();
        return services.BuildServiceProvider();
    }
}
