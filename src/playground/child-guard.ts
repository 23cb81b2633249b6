/**
 * Loaded into the bot's process with `--import` by the playground: when the
 * playground that started it goes away (even killed outright), the IPC channel
 * closes and the bot stops through its own SIGTERM handling, instead of
 * polling a Bot API that no longer exists. The bot's code is not touched.
 */
process.channel?.unref();
process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
