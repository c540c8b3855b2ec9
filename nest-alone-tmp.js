
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { Controller, Get, Header, Module } = require('@nestjs/common');
const json = JSON.parse(process.env.JSON_BODY), html = process.env.HTML_BODY;
class AloneController { status() { return json; } page() { return html; } }
const method = (name) => Object.getOwnPropertyDescriptor(AloneController.prototype, name);
Get('/status')(AloneController.prototype, 'status', method('status'));
Get('/')(AloneController.prototype, 'page', method('page'));
Header('Content-Type', 'text/html; charset=utf-8')(AloneController.prototype, 'page', method('page'));
Controller()(AloneController);
class AppModule {}
Module({ controllers: [AloneController] })(AppModule);
NestFactory.create(AppModule, { logger: false }).then((app) => app.listen(Number(process.env.PORT), '127.0.0.1'));
