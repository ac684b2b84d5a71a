using System.CommandLine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Tanager.PubSub.Nats;

namespace Tanager.Server;

/// <summary>
/// <c>tanager admin …</c> and <c>tanager bot create</c>: server administration run against the server's store, also
/// while the server runs. With <c>--nats-url</c> (several nodes) revocations reach every node's live connections at once.
/// </summary>
internal static partial class AdminCommand
{
    public static Command[] Build()
    {
        var admin = new Command("admin", "Administer the server: administrators, accounts and API keys.");
        admin.Subcommands.Add(UserCommand("grant", "Make an account a server administrator.", (a, user, ct) => a.SetServerAdminAsync(Caller.CommandLine, user, true, ct)));
        admin.Subcommands.Add(UserCommand("revoke", "Take the server-administrator role away from an account.", (a, user, ct) => a.SetServerAdminAsync(Caller.CommandLine, user, false, ct)));
        admin.Subcommands.Add(UserCommand("deactivate", "Deactivate an account: its sessions and tokens die, its messages stay.", (a, user, ct) => a.SetDeactivatedAsync(Caller.CommandLine, user, true, ct)));
        admin.Subcommands.Add(UserCommand("reactivate", "Let a deactivated account sign in again.", (a, user, ct) => a.SetDeactivatedAsync(Caller.CommandLine, user, false, ct)));
        admin.Subcommands.Add(UserCommand("reset-2fa", "Remove an account's two-factor sign-in (a lost authenticator): it signs in with its password until it enrols again.", (a, user, ct) => a.ResetTwoFactorAsync(Caller.CommandLine, user, ct),
            u => $"{u.Email} ({u.Id}): two-factor sign-in removed; the account signs in with its password until it enrols again."));
        admin.Subcommands.Add(Audit());
        admin.Subcommands.Add(CreateUser());
        admin.Subcommands.Add(ListUsers());
        admin.Subcommands.Add(ListWorkspaces());
        admin.Subcommands.Add(CreateApiKey());
        admin.Subcommands.Add(ResetPassword());
        admin.Subcommands.Add(Export());
        admin.Subcommands.Add(Import());
        admin.Subcommands.Add(Backup());
        var bot = new Command("bot", "Manage bots.");
        bot.Subcommands.Add(CreateBot());
        return [admin, bot];
    }

    private static Command UserCommand(string name, string description, Func<AdministrationService, string, CancellationToken, Task<User>> action, Func<User, string>? report = null)
    {
        var user = new Argument<string>("user") { Description = "The account's email or id." };
        var command = new Command(name, description) { user };
        var context = new Context(command);
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (services, ct) =>
        {
            var changed = await action(services.GetRequiredService<AdministrationService>(), parse.GetValue(user)!, ct);
            await Console.Out.WriteLineAsync(report?.Invoke(changed) ?? $"{changed.Email} ({changed.Id}): server admin {(changed.IsServerAdmin ? "yes" : "no")}, {(changed.DeactivatedAt is null ? "active" : "deactivated")}.");
        }, cancellationToken));
        return command;
    }

    private static Command ResetPassword()
    {
        var user = new Argument<string>("user") { Description = "The account's email or id." };
        var password = new Option<string?>("--password") { Description = "The new password. Default: $TANAGER_PASSWORD; without one a random password is made and printed once.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TANAGER_PASSWORD") };
        var command = new Command("reset-password", "Give an account a new password; its sessions and tokens die.") { user, password };
        var context = new Context(command);
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (services, ct) =>
        {
            var given = parse.GetValue(password);
            var (changed, chosen) = await services.GetRequiredService<AdministrationService>().ResetPasswordAsync(Caller.CommandLine, parse.GetValue(user), string.IsNullOrEmpty(given) ? null : given, ct);
            await Console.Error.WriteLineAsync($"{changed.Email} ({changed.Id}): password reset; every session ended.");
            if (string.IsNullOrEmpty(given))
            {
                await Console.Error.WriteLineAsync("The new password is shown this once:");
                await Console.Out.WriteLineAsync(chosen);
            }
        }, cancellationToken));
        return command;
    }

    private static Command CreateUser()
    {
        var email = new Option<string>("--email") { Description = "The account's email address.", Required = true };
        var name = new Option<string>("--name") { Description = "The display name.", Required = true };
        var password = new Option<string?>("--password") { Description = "A password to log in with. Default: $TANAGER_PASSWORD; without one the account logs in only through an API key's act-as." , DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TANAGER_PASSWORD") };
        var serverAdmin = new Option<bool>("--admin") { Description = "Make the account a server administrator." };
        var command = new Command("create-user", "Create an account (for servers whose registration is invite-only or closed).") { email, name, password, serverAdmin };
        var context = new Context(command);
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (services, ct) =>
        {
            var user = await services.GetRequiredService<AdministrationService>().ProvisionUserAsync(Caller.CommandLine, parse.GetValue(email), parse.GetValue(name), parse.GetValue(password), null, parse.GetValue(serverAdmin), ct);
            await Console.Out.WriteLineAsync($"Created {user.Email} ({user.Id}).");
        }, cancellationToken));
        return command;
    }

    private static Command Audit()
    {
        var limit = new Option<int?>("--limit") { Description = $"How many events, newest first (default {AuditLog.DefaultPageSize}, at most {AuditLog.MaxPageSize})." };
        var before = new Option<string?>("--before") { Description = "Only events older than this event id (the next page)." };
        var user = new Option<string?>("--user") { Description = "Only events concerning this account (email or id)." };
        var command = new Command("audit", "Print the security audit log: sign-ins, two-factor changes, credentials, roles and passwords, newest first.") { limit, before, user };
        var context = new Context(command);
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (services, ct) =>
        {
            var userId = parse.GetValue(user) is { } who ? (await services.GetRequiredService<AdministrationService>().FindUserAsync(Caller.CommandLine, who, ct)).Id.ToString() : null;
            var events = await services.GetRequiredService<AuditLog>().ListAsync(Caller.CommandLine, parse.GetValue(before), parse.GetValue(limit), userId, ct);
            foreach (var e in events)
            {
                await Console.Out.WriteLineAsync(string.Join('\t', e.OccurredAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), e.Kind,
                    $"user={e.UserId}", $"actor={e.ActorId}", $"ip={e.IpAddress}", e.Detail ?? "", e.Id.ToString()));
            }
        }, cancellationToken));
        return command;
    }

    private static Command CreateApiKey()
    {
        var name = new Option<string>("--name") { Description = "What the key is for, e.g. the backend that uses it.", Required = true };
        var command = new Command("api-key", "Create a server API key and print it once (it is stored only as a hash).") { name };
        var context = new Context(command);
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (services, ct) =>
        {
            var (key, token) = await services.GetRequiredService<AdministrationService>().CreateApiKeyAsync(Caller.CommandLine, parse.GetValue(name), ct);
            await Console.Error.WriteLineAsync($"API key {key.Id} ({key.Name}). It is shown this once:");
            await Console.Out.WriteLineAsync(token);
        }, cancellationToken));
        return command;
    }

    private static Command CreateBot()
    {
        var workspace = new Option<string>("--workspace") { Description = "The workspace id the bot joins.", Required = true };
        var owner = new Option<string>("--owner") { Description = "The email or id of the member who owns the bot.", Required = true };
        var name = new Option<string>("--name") { Description = "The bot's display name.", Required = true };
        var scopes = new Option<string?>("--scopes") { Description = $"The token's scopes, comma-separated (default: all of {string.Join(", ", Scope.All)})." };
        var command = new Command("create", "Create a bot owned by a workspace member and print its first token once.") { workspace, owner, name, scopes };
        var context = new Context(command);
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (services, ct) =>
        {
            var ownerUser = await services.GetRequiredService<AdministrationService>().FindUserAsync(Caller.CommandLine, parse.GetValue(owner), ct);
            var asOwner = new Caller(ownerUser, CredentialKind.Console, Caller.CommandLine.CredentialId, null);
            var requested = parse.GetValue(scopes)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var (bot, _, token) = await services.GetRequiredService<BotService>().CreateAsync(asOwner, Ids.Parse(parse.GetValue(workspace), "Workspace"), parse.GetValue(name), requested, ct);
            await Console.Error.WriteLineAsync($"Bot {bot.DisplayName} ({bot.Id}). Its token is shown this once:");
            await Console.Out.WriteLineAsync(token);
        }, cancellationToken));
        return command;
    }

    /// <summary>The storage and NATS options every command takes, and running one against the store.</summary>
    private sealed class Context
    {
        private readonly StorageOptions _storage = new();
        private readonly Option<string?> _natsUrl = new("--nats-url")
        {
            Description = "The NATS server the nodes share, so that revocations close live connections on every node at once. Default: $TANAGER_NATS_URL.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TANAGER_NATS_URL"),
        };

        public Context(Command command)
        {
            _storage.AddTo(command);
            command.Options.Add(_natsUrl);
        }

        public async Task<int> RunAsync(ParseResult parse, Func<IServiceProvider, CancellationToken, Task> action, CancellationToken cancellationToken)
        {
            var settings = _storage.Read(parse, new Uri(TanagerCommandLine.DefaultListen));
            var nats = parse.GetValue(_natsUrl);
            // Standard output carries the command's answer (a token, a list, an export) and nothing else, so that
            // `token=$(tanager bot create …)` and `tanager admin export … > file` hold it alone: the engine's logs go to
            // standard error. (A log line printed after a bot's token once made it the output's last line.)
            await using var app = TanagerServer.Build(string.IsNullOrWhiteSpace(nats) ? settings : settings with { NatsUrl = nats.Trim() },
                builder => builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
            try
            {
                foreach (var migrator in app.Services.GetServices<IStorageMigrator>())
                {
                    await migrator.MigrateAsync(cancellationToken);
                }
                if (app.Services.GetRequiredService<IPubSub>() is NatsPubSub natsPubSub)
                {
                    await natsPubSub.ConnectAsync(cancellationToken);
                }
                await action(app.Services, cancellationToken);
                return 0;
            }
            catch (TanagerException exception)
            {
                await Console.Error.WriteLineAsync($"{exception.Code}: {exception.Message}");
                return 1;
            }
        }
    }
}
