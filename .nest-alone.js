require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { Controller, Get, Module } = require('@nestjs/common');
const body = JSON.parse(process.env.BODY);
class StatusController { status() { return body; } }
Get('/status')(StatusController.prototype, 'status', Object.getOwnPropertyDescriptor(StatusController.prototype, 'status'));
Controller()(StatusController);
class AppModule {}
Module({ controllers: [StatusController] })(AppModule);
NestFactory.create(AppModule, { logger: false }).then((app) => app.listen(Number(process.env.PORT), '127.0.0.1'));
