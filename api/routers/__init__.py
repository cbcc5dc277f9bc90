"""One router per concern. api.app.ROUTERS lists the modules included, in order."""
