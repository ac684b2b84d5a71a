using Tanager.Client;
await using var bot = await TanagerClient.FromTokenAsync(new Uri(args[0]), args[1]);
bot.Gateway.MessageCreated += async m => { if (m.AuthorId != bot.User!.Id) await bot.PostMessageAsync(m.WorkspaceId, m.ChannelId, $"echo: {m.Content}"); };
await bot.Gateway.RunAsync();
