// Replaced by the WebSocket client.
