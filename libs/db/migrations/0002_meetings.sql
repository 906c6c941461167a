-- Meetings. A meeting is created active and ended once by its host.
CREATE TABLE meetings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  host_id uuid REFERENCES users(id),
  is_active boolean DEFAULT true,
  max_participants integer DEFAULT 4 CHECK (max_participants BETWEEN 2 AND 6),
  created_at timestamp DEFAULT now()
);
-- "My recent meetings" reads a host's meetings newest first.
CREATE INDEX meetings_host_id_created_at_idx ON meetings (host_id, created_at DESC);
