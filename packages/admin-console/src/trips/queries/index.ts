export { AdminGenerateTripsDocument, AdminTripsDocument, AdminUpsertTripDocument } from '@deeptravel/client';
